# syntax=docker/dockerfile:1
# The relay as an image: built from source with Maven, run on a JRE. docker-compose.yml runs three of these behind
# HAProxy. One alone, with ssh_host_key and authorized_keys in the current directory (--user: the container must be
# able to read the host key, which ssh-keygen makes readable by its owner only):
#   docker build -t nuttssh . && docker run --user "$(id -u)" -p 1878:1878 -v "$PWD:/etc/nuttssh:ro" nuttssh

FROM maven:3-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml cluster.xml ./
COPY src/main src/main
# The Maven cache survives between builds (BuildKit); tests need ssh, sshd and haproxy, so they run outside Docker.
RUN --mount=type=cache,target=/root/.m2 mvn -B -q -Dmaven.test.skip=true package

FROM eclipse-temurin:17-jre
# An unprivileged user: the relay needs no root, its port 1878 is above 1024.
RUN useradd --system --uid 1878 --home-dir /nonexistent --shell /usr/sbin/nologin nuttssh
COPY --from=build /src/target/nuttssh.jar /app/nuttssh.jar
USER 1878
WORKDIR /app
EXPOSE 1878
# The jar's manifest opens the JDK internals Hazelcast needs, so plain -jar suffices in cluster mode too.
# java -jar starts a launcher that runs the relay in a JVM of its own, its heap bounded by max-memory (256m unless
# NUTTSSH_MAX_MEMORY says otherwise): give the container about max-memory + 150 MB. The launcher is PID 1 and passes
# docker stop's SIGTERM on.
ENTRYPOINT ["java", "-jar", "/app/nuttssh.jar"]
CMD ["--host-key", "/etc/nuttssh/ssh_host_key", "--authorized-keys", "/etc/nuttssh/authorized_keys"]

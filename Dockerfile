# The relay as an image: built from source with Maven, run on a JRE. docker-compose.yml runs several of these behind
# HAProxy. One alone, with ssh_host_key and authorized_keys in the current directory (--user: the container must be
# able to read the host key, which ssh-keygen makes readable by its owner only):
#   DOCKER_BUILDKIT=1 docker build -t nuttssh . && docker run --user "$(id -u)" -p 1878:1878 -v "$PWD:/etc/nuttssh:ro" nuttssh
# Without a registry (and without Maven inside containers), scripts/docker-images.sh builds the runtime stage around
# the jar `mvn package` made: --build-arg JAR=prebuilt. No "# syntax=" line: BuildKit would fetch a frontend image.

# Where the jar comes from: "source" builds it here with Maven, "prebuilt" takes target/nuttssh.jar from the context.
ARG JAR=source

FROM maven:3-eclipse-temurin-17 AS source
WORKDIR /src
COPY pom.xml cluster.xml ./
COPY src/main src/main
# The Maven cache survives between builds (BuildKit); tests need ssh, sshd and haproxy, so they run outside Docker.
RUN --mount=type=cache,target=/root/.m2 mvn -B -q -Dmaven.test.skip=true package

FROM scratch AS prebuilt
COPY target/nuttssh.jar /src/target/nuttssh.jar

# BuildKit builds only the stage named here and skips the other.
FROM ${JAR} AS jar

FROM eclipse-temurin:17-jre
# An unprivileged user: the relay needs no root, its port 1878 is above 1024.
RUN useradd --system --uid 1878 --home-dir /nonexistent --shell /usr/sbin/nologin nuttssh
COPY --from=jar /src/target/nuttssh.jar /app/nuttssh.jar
USER 1878
WORKDIR /app
EXPOSE 1878
# /metrics and /health/* on loopback inside the container, for the HEALTHCHECK below; NUTTSSH_METRICS_BIND=0.0.0.0
# opens them to the container's network (compose does), NUTTSSH_METRICS_PORT= (empty) turns them off.
ENV NUTTSSH_METRICS_PORT=9878
# Ready means: accepting SSH connections and, in a cluster, a member (/health/ready). bash's /dev/tcp, since the
# image has no HTTP client; the metrics port must answer on 127.0.0.1 (the default, or 0.0.0.0).
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${NUTTSSH_METRICS_PORT:-9878} && printf 'GET /health/ready HTTP/1.0\\r\\n\\r\\n' >&3 && read -r _ status _ <&3 && [ \"$status\" = 200 ]"]
# The jar's manifest opens the JDK internals Hazelcast needs, so plain -jar suffices in cluster mode too.
# java -jar starts a launcher that runs the relay in a JVM of its own, its heap bounded by max-memory (256m unless
# NUTTSSH_MAX_MEMORY says otherwise): give the container about max-memory + 150 MB. The launcher is PID 1 and passes
# docker stop's SIGTERM on.
ENTRYPOINT ["java", "-jar", "/app/nuttssh.jar"]
CMD ["--host-key", "/etc/nuttssh/ssh_host_key", "--authorized-keys", "/etc/nuttssh/authorized_keys"]

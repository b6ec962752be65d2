#!/usr/bin/env bash
# The images docker-compose.yml runs, made on this machine without an image registry, from the jar `mvn package`
# built:
#
#   scripts/docker-images.sh
#
# 1. nuttssh-base:bookworm, once: a Debian bookworm made by debootstrap from Debian's mirror (about 2 minutes),
#    with a Java 17 runtime and HAProxy, imported with `docker import`.
# 2. Stand-ins for the base images the Dockerfile and docker-compose.yml name (eclipse-temurin:17-jre, haproxy:2.8),
#    made from it and labelled org.nuttssh.stand-in, only where no image of that name exists: a real image pulled from
#    a registry is never replaced.
# 3. nuttssh:local, the Dockerfile's runtime stage around target/nuttssh.jar (--build-arg JAR=prebuilt), so Maven
#    never runs inside a container (Maven's repository may not be reachable from one).
#
# Where a registry is reachable, `docker compose build` (the Dockerfile's Maven stage) needs none of this.
# Settings, from the environment:
#   DOCKER   the docker client (default: Debian's /usr/bin/docker if present, else docker from PATH; the builder of a
#            newer client without the buildx plugin cannot run BuildKit builds)
#   MIRROR   the Debian mirror for debootstrap (default: http://deb.debian.org/debian)
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DOCKER=${DOCKER:-$(command -v /usr/bin/docker || command -v docker)}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
BASE=nuttssh-base:bookworm
JRE_IMAGE=eclipse-temurin:17-jre
HAPROXY_IMAGE=haproxy:2.8
RELAY_IMAGE=nuttssh:local
STAND_IN_LABEL=org.nuttssh.stand-in=true

say() { echo "docker-images: $*"; }
die() { echo "docker-images: $*" >&2; exit 1; }
have_image() { "$DOCKER" image inspect "$1" >/dev/null 2>&1; }

# BuildKit skips the stages the target does not need (the Maven one); no "# syntax=" line in the Dockerfile, so it
# does not fetch a frontend image either.
build() { # TAG, then docker build arguments
    local tag=$1
    shift
    DOCKER_BUILDKIT=1 "$DOCKER" build -q -t "$tag" "$@" >/dev/null
}

make_base() {
    command -v debootstrap >/dev/null || die "debootstrap not found (apt-get install debootstrap)"
    local root
    root=$(mktemp -d "${TMPDIR:-/tmp}/nuttssh-rootfs.XXXXXX")
    trap 'rm -rf "$root"' EXIT
    say "debootstrap bookworm into $root (once; about 2 minutes)"
    debootstrap --variant=minbase --include=openjdk-17-jre-headless,haproxy,ca-certificates \
        bookworm "$root" "$MIRROR" >"$root.log" 2>&1 || { tail -20 "$root.log" >&2; die "debootstrap failed"; }
    rm -f "$root.log"
    rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
    tar -C "$root" -c . | "$DOCKER" import --change 'ENV LANG=C.UTF-8' - "$BASE" >/dev/null
    rm -rf "$root"
    trap - EXIT
}

have_image "$BASE" || make_base
if ! have_image "$JRE_IMAGE"; then
    say "$JRE_IMAGE: a stand-in made from $BASE"
    printf 'FROM %s\nLABEL %s\n' "$BASE" "$STAND_IN_LABEL" | build "$JRE_IMAGE" -
fi
if ! have_image "$HAPROXY_IMAGE"; then
    say "$HAPROXY_IMAGE: a stand-in made from $BASE"
    printf 'FROM %s\nLABEL %s\nCMD ["haproxy", "-W", "-db", "-f", "/usr/local/etc/haproxy/haproxy.cfg"]\n' \
        "$BASE" "$STAND_IN_LABEL" | build "$HAPROXY_IMAGE" -
fi
[ -f "$REPO/target/nuttssh.jar" ] || die "no target/nuttssh.jar: run 'mvn -DskipTests package' first"
previous=$("$DOCKER" image inspect -f '{{.Id}}' "$RELAY_IMAGE" 2>/dev/null || true)
build "$RELAY_IMAGE" --build-arg JAR=prebuilt "$REPO"
say "$RELAY_IMAGE built from target/nuttssh.jar"
# The image it replaced would stay behind untagged, a jar's worth of disk per build; unless a container still uses it.
if [ -n "$previous" ] && [ "$previous" != "$("$DOCKER" image inspect -f '{{.Id}}' "$RELAY_IMAGE")" ]; then
    "$DOCKER" rmi "$previous" >/dev/null 2>&1 || true
fi

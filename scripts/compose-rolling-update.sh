#!/usr/bin/env bash
# Replaces the relay replicas of docker-compose.yml one at a time, for an upgrade without a fleet-wide reconnect
# (compose has no rolling update of its own). Build or tag the new image first (`docker compose build`, or
# `mvn -DskipTests package && scripts/docker-images.sh`), then, next to docker-compose.yml:
#
#   scripts/compose-rolling-update.sh
#
# For each replica (relay1, relay2, ...: a service each, with a certificate of its own): start a second container of
# that service (from the new image, with the same certificate), wait until Docker calls it healthy (the image's
# HEALTHCHECK on /health/ready: a cluster member that serves), then stop the old one with SIGTERM and wait for its
# drain (it turns not ready, lets its devices go at drain-rate to the others, waits out open circuits up to
# shutdown-grace), and remove it. Each service runs one container again at the end. Each release joins a cluster of
# the previous one (README, "Upgrading"), so old and new replicas serve side by side meanwhile.
#
# Settings (environment): COMPOSE (the compose command, default `docker compose`, else `docker-compose`),
# SERVICES (the replicas' services, default: every service of the compose file named relay and a number),
# HEALTH_TIMEOUT (seconds a new replica may take to turn healthy, 180), STOP_TIMEOUT (seconds an old replica may
# take to drain before Docker kills it, 75: stop_grace_period of docker-compose.yml).
set -euo pipefail

HEALTH_TIMEOUT=${HEALTH_TIMEOUT:-180}
STOP_TIMEOUT=${STOP_TIMEOUT:-75}

fail() {
    echo "compose-rolling-update: $*" >&2
    exit 1
}

whole_number() {
    [[ $2 =~ ^[0-9]+$ ]] || fail "$1: '$2' (expected: a whole number of seconds)"
}
whole_number HEALTH_TIMEOUT "$HEALTH_TIMEOUT"
whole_number STOP_TIMEOUT "$STOP_TIMEOUT"

if [[ -n ${COMPOSE:-} ]]; then
    read -r -a compose <<<"$COMPOSE"
elif docker compose version >/dev/null 2>&1; then
    compose=(docker compose)
elif command -v docker-compose >/dev/null 2>&1; then
    compose=(docker-compose)
else
    fail "neither 'docker compose' nor 'docker-compose' is installed"
fi

replicas() { # SERVICE
    "${compose[@]}" ps -q "$1"
}

# Waits until container $1 is healthy; fails if it stops, has no health check, or takes over HEALTH_TIMEOUT.
await_healthy() {
    local id=$1 deadline=$((SECONDS + HEALTH_TIMEOUT)) status
    while true; do
        status=$(docker inspect -f '{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}' "$id") \
            || fail "container $id is gone"
        case $status in
            "running healthy") return 0 ;;
            *" none") fail "container $id has no health check: the image's HEALTHCHECK needs NUTTSSH_METRICS_PORT" ;;
            "running "*) ;;
            *) fail "container $id is ${status% *} before turning healthy; see: docker logs $id" ;;
        esac
        ((SECONDS < deadline)) || fail "container $id is not healthy after ${HEALTH_TIMEOUT} s; see: docker logs $id"
        sleep 2
    done
}

docker info >/dev/null 2>&1 || fail "cannot reach the Docker engine ('docker info' fails)"
if [[ -n ${SERVICES:-} ]]; then
    read -r -a services <<<"$SERVICES"
else
    all=$("${compose[@]}" config --services) || fail "'${compose[*]} config' fails: run this next to docker-compose.yml"
    mapfile -t services < <(grep -E '^relay[0-9]+$' <<<"$all" || true)
fi
((${#services[@]} > 0)) || fail "no replica services (expected: services named relay1, relay2, ... or SERVICES)"
# Every replica runs before the first is touched: replacing one while another is down would leave too few.
for service in "${services[@]}"; do
    ids=$(replicas "$service") || fail "'${compose[*]} ps' fails: run this next to docker-compose.yml"
    [[ -n $ids ]] || fail "no container of service '$service' (start it with: ${compose[*]} up -d)"
    [[ $ids != *$'\n'* ]] || fail "service '$service' has more than one container: finish or undo an earlier run"
done
echo "compose-rolling-update: replacing ${#services[@]} replicas one at a time: ${services[*]}"

for service in "${services[@]}"; do
    old=$(replicas "$service") || fail "'${compose[*]} ps' fails"
    "${compose[@]}" up -d --no-deps --no-recreate --scale "$service=2" "$service" >/dev/null
    new=$(comm -13 <(echo "$old") <(replicas "$service" | sort))
    [[ -n $new && $new != *$'\n'* ]] || fail "expected one new container of '$service', got: '${new}'"
    echo "compose-rolling-update: $service: started ${new:0:12}; waiting for it to turn healthy"
    await_healthy "$new"
    echo "compose-rolling-update: $service: stopping ${old:0:12} (it drains for up to ${STOP_TIMEOUT} s)"
    docker stop --time "$STOP_TIMEOUT" "$old" >/dev/null || fail "could not stop container $old"
    docker rm "$old" >/dev/null || fail "could not remove container $old"
done

echo "compose-rolling-update: done; ${#services[@]} replicas, all replaced"

#!/usr/bin/env bash
# A three-node relay cluster behind HAProxy on this machine: the topology of docker-compose.yml, on loopback.
#
#   scripts/local-cluster.sh keys     create the shared host key and authorized_keys if missing (only when asked)
#   scripts/local-cluster.sh start    start three nodes and HAProxy; waits until all of them serve (the first start
#                                     makes the cluster's CA, node certificates and secret in STATE_DIR/certs)
#   scripts/local-cluster.sh status   what is running; exit status 0 only when everything is
#   scripts/local-cluster.sh stop     stop everything this state directory started
#
# Every node gets --cluster --cluster-members 127.0.0.1 --cluster-host 127.0.0.1 --proxy-protocol, its own
# certificate and the cluster's CA and secret for mutual TLS and sealed records between nodes (made once with
# cluster-certs), the same host key and the same authorized_keys (clients must see one host key whichever node
# HAProxy picks). HAProxy
# (scripts/haproxy.cfg) balances plain TCP round robin with health checks and sends a PROXY v2 header to every
# node. PIDs, logs and the generated HAProxy file live in the state directory.
#
# Settings, from the environment:
#   NUTTSSH_CMD      command that runs a node, split on spaces (default: java -jar <repo>/target/nuttssh.jar)
#   NUTTSSH_PORTS    the three nodes' SSH ports (default: "2221 2222 2223")
#   NUTTSSH_ARGS     extra flags for every node, e.g. "--log-level debug" (NUTTSSH_<SETTING> variables such as
#                    NUTTSSH_LOG_LEVEL reach the nodes too, as settings)
#   BIND             address the nodes listen on (default: 127.0.0.1)
#   LB_BIND, LB_PORT where HAProxy listens (default: 127.0.0.1, 1878)
#   NODE_LB_PORTS    optional, three ports: one more HAProxy frontend per node that always goes to that node (with
#                    the same PROXY header), to put a client on a chosen node when debugging or testing
#   CLUSTER_NAME     Hazelcast cluster name (default: nuttssh-local)
#   CLUSTER_MEMBERS  --cluster-members (default: 127.0.0.1, i.e. Hazelcast ports 5701 and up on loopback)
#   CLUSTER_CONFIG   --cluster-config (default: <repo>/cluster.xml)
#   CLUSTER_PORT     optional: first Hazelcast port instead of 5701, when other clusters on this machine hold
#                    5701 and up; the nodes then use a copy of CLUSTER_CONFIG with that port, and the members
#                    default to 127.0.0.1:CLUSTER_PORT and the two ports after it
#   PROXY_PROTOCOL   1 (default) or 0: without the PROXY header and without --proxy-protocol
#   STATE_DIR        PIDs and logs (default: ${TMPDIR:-/tmp}/nuttssh-local-cluster-<uid>)
#   HOST_KEY         shared host key (default: $STATE_DIR/ssh_host_key)
#   AUTHORIZED_KEYS  shared authorized_keys (default: $STATE_DIR/authorized_keys)
#   HAPROXY          the haproxy binary (default: haproxy, else /usr/sbin/haproxy)
#   START_TIMEOUT    seconds to wait for the nodes and HAProxy to serve (default: 120)
#   STOP_TIMEOUT     seconds to wait for a process to end after SIGTERM before SIGKILL (default: 45, which leaves
#                    a node the time open circuits get to finish after SIGTERM, 30 s by default)
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE_DIR=${STATE_DIR:-${TMPDIR:-/tmp}/nuttssh-local-cluster-$(id -u)}
DEFAULT_JAR="$REPO/target/nuttssh.jar"
NUTTSSH_CMD=${NUTTSSH_CMD:-java -jar $DEFAULT_JAR}
NUTTSSH_PORTS=${NUTTSSH_PORTS:-2221 2222 2223}
NUTTSSH_ARGS=${NUTTSSH_ARGS:-}
BIND=${BIND:-127.0.0.1}
LB_BIND=${LB_BIND:-127.0.0.1}
LB_PORT=${LB_PORT:-1878}
NODE_LB_PORTS=${NODE_LB_PORTS:-}
CLUSTER_NAME=${CLUSTER_NAME:-nuttssh-local}
CLUSTER_PORT=${CLUSTER_PORT:-}
if [ -n "$CLUSTER_PORT" ]; then
    CLUSTER_MEMBERS=${CLUSTER_MEMBERS:-127.0.0.1:$CLUSTER_PORT,127.0.0.1:$((CLUSTER_PORT + 1)),127.0.0.1:$((CLUSTER_PORT + 2))}
fi
CLUSTER_MEMBERS=${CLUSTER_MEMBERS:-127.0.0.1}
CLUSTER_CONFIG=${CLUSTER_CONFIG:-$REPO/cluster.xml}
PROXY_PROTOCOL=${PROXY_PROTOCOL:-1}
HOST_KEY=${HOST_KEY:-$STATE_DIR/ssh_host_key}
AUTHORIZED_KEYS=${AUTHORIZED_KEYS:-$STATE_DIR/authorized_keys}
START_TIMEOUT=${START_TIMEOUT:-120}
STOP_TIMEOUT=${STOP_TIMEOUT:-45}
if [ -z "${HAPROXY:-}" ]; then
    HAPROXY=$(command -v haproxy || echo /usr/sbin/haproxy)
fi

NODES=(1 2 3)
read -r -a PORTS <<<"$NUTTSSH_PORTS"
read -r -a PINNED_PORTS <<<"$NODE_LB_PORTS"

say() { echo "local-cluster: $*"; }
die() { echo "local-cluster: $*" >&2; exit 1; }

usage() {
    sed -n '2,7p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
    echo "Settings come from the environment; see the top of ${BASH_SOURCE[0]}." >&2
    exit 2
}

# --- processes -------------------------------------------------------------------------------------------------

# A PID file holds "PID START", START being the process's start time from /proc (empty elsewhere), so that stop
# never signals an unrelated process that got the same PID later.
start_time() {
    stat_field "$1" 22
}

# Field N of /proc/PID/stat (N > 2), if there is such a file; counted after the command name, which is in
# parentheses and may hold spaces.
stat_field() { # PID N
    if [ -r "/proc/$1/stat" ]; then
        sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f$(($2 - 2))
    fi
}

# Is the process running? A child of this script that exited stays a zombie until the script ends, and kill -0
# still reaches a zombie.
alive() { # PID
    kill -0 "$1" 2>/dev/null && [ "$(stat_field "$1" 3)" != Z ]
}

record_pid() { # FILE PID
    echo "$2 $(start_time "$2")" >"$1"
}

# Prints the PID recorded in FILE if that process is still the one we started.
live_pid() { # FILE
    [ -f "$1" ] || return 1
    local pid recorded
    read -r pid recorded <"$1" || return 1
    [ -n "$pid" ] && alive "$pid" || return 1
    if [ -n "$recorded" ] && [ "$(start_time "$pid")" != "$recorded" ]; then
        return 1
    fi
    echo "$pid"
}

pid_file() { echo "$STATE_DIR/$1.pid"; }
log_file() { echo "$STATE_DIR/$1.log"; }

# Stops the processes named (node1, haproxy, ...): SIGTERM to all, then SIGKILL to whatever outlives STOP_TIMEOUT.
stop_processes() {
    local name pid pids=() names=()
    for name in "$@"; do
        if pid=$(live_pid "$(pid_file "$name")"); then
            kill -TERM "$pid" 2>/dev/null || true
            pids+=("$pid")
            names+=("$name")
        fi
        rm -f "$(pid_file "$name")"
    done
    local deadline=$((SECONDS + STOP_TIMEOUT)) i
    for i in "${!pids[@]}"; do
        while alive "${pids[$i]}" && [ "$SECONDS" -lt "$deadline" ]; do
            sleep 0.2
        done
        if alive "${pids[$i]}"; then
            say "${names[$i]} (pid ${pids[$i]}) did not stop within ${STOP_TIMEOUT}s; killing it"
            kill -KILL "${pids[$i]}" 2>/dev/null || true
            local killed=$((SECONDS + 5))
            while alive "${pids[$i]}" && [ "$SECONDS" -lt "$killed" ]; do
                sleep 0.2
            done
        fi
        say "stopped ${names[$i]} (pid ${pids[$i]})"
    done
}

all_names() { echo node1 node2 node3 haproxy; }

# Can something connect to HOST PORT? (bash's /dev/tcp, bounded by a short timeout)
accepts() {
    local host=$1
    [ "$host" = 0.0.0.0 ] && host=127.0.0.1
    # shellcheck disable=SC2016 # expanded by the inner bash, from its arguments
    timeout 2 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$host" "$2" 2>/dev/null
}

# --- checks ----------------------------------------------------------------------------------------------------

check_port_list() { # NAME COUNT VALUE...
    local name=$1 count=$2
    shift 2
    [ "$#" -eq "$count" ] || die "$name must list $count ports, got: '$*'"
    local port
    for port in "$@"; do
        if ! [[ "$port" =~ ^[0-9]+$ ]] || [ "$port" -lt 1 ] || [ "$port" -gt 65535 ]; then
            die "$name: $port (expected: 1-65535)"
        fi
    done
}

check_settings() {
    check_port_list NUTTSSH_PORTS 3 "${PORTS[@]}"
    check_port_list LB_PORT 1 "$LB_PORT"
    if [ -n "$CLUSTER_PORT" ]; then
        check_port_list CLUSTER_PORT 1 "$CLUSTER_PORT"
    fi
    if [ -n "$NODE_LB_PORTS" ]; then
        check_port_list NODE_LB_PORTS 3 "${PINNED_PORTS[@]}"
    fi
    case "$PROXY_PROTOCOL" in
        0|1) ;;
        *) die "PROXY_PROTOCOL: $PROXY_PROTOCOL (expected: 0 or 1)" ;;
    esac
    [[ "$START_TIMEOUT" =~ ^[0-9]+$ ]] || die "START_TIMEOUT: $START_TIMEOUT (expected: seconds)"
    [[ "$STOP_TIMEOUT" =~ ^[0-9]+$ ]] || die "STOP_TIMEOUT: $STOP_TIMEOUT (expected: seconds)"
}

check_prerequisites() {
    [ -x "$HAPROXY" ] || die "haproxy not found (set HAPROXY, or install it: apt-get install haproxy)"
    if [ "$NUTTSSH_CMD" = "java -jar $DEFAULT_JAR" ] && [ ! -f "$DEFAULT_JAR" ]; then
        die "$DEFAULT_JAR not found; build it first: (cd $REPO && mvn -q -DskipTests package)"
    fi
    local missing=0
    if [ ! -f "$HOST_KEY" ]; then
        echo "local-cluster: host key $HOST_KEY not found; create it with" >&2
        echo "    mkdir -p $(dirname "$HOST_KEY") && ssh-keygen -t ed25519 -N '' -f $HOST_KEY" >&2
        missing=1
    fi
    if [ ! -f "$AUTHORIZED_KEYS" ]; then
        echo "local-cluster: $AUTHORIZED_KEYS not found; create it with lines such as" >&2
        echo "    access=\"listen\",access=\"initiate\" $(first_user_key_hint)" >&2
        missing=1
    fi
    if [ "$missing" -eq 1 ]; then
        die "or run '$0 keys' to create both (the host key new, authorized_keys for your own key)"
    fi
}

first_user_key() {
    local key
    for key in id_ed25519.pub id_ecdsa.pub id_rsa.pub; do
        if [ -f "$HOME/.ssh/$key" ]; then
            echo "$HOME/.ssh/$key"
            return 0
        fi
    done
    return 1
}

first_user_key_hint() {
    local key
    if key=$(first_user_key); then
        echo "<contents of $key>"
    else
        echo "ssh-ed25519 AAAA... you@host"
    fi
}

# --- commands --------------------------------------------------------------------------------------------------

cmd_keys() {
    mkdir -p "$(dirname "$HOST_KEY")" "$(dirname "$AUTHORIZED_KEYS")"
    if [ -f "$HOST_KEY" ]; then
        say "host key $HOST_KEY exists; left as it is"
    else
        ssh-keygen -q -t ed25519 -N '' -C nuttssh-local-cluster -f "$HOST_KEY"
        say "created host key $HOST_KEY"
    fi
    if [ -f "$AUTHORIZED_KEYS" ]; then
        say "$AUTHORIZED_KEYS exists; left as it is"
    else
        local key
        key=$(first_user_key) || die "no ~/.ssh/id_ed25519.pub, id_ecdsa.pub or id_rsa.pub to put in $AUTHORIZED_KEYS; create one with ssh-keygen -t ed25519"
        {
            echo "# Created by local-cluster.sh keys for $key"
            echo "access=\"listen\",access=\"initiate\" $(head -n 1 "$key")"
        } >"$AUTHORIZED_KEYS"
        say "created $AUTHORIZED_KEYS with your key $key (access listen and initiate)"
    fi
}

# The extra HAProxy file for NODE_LB_PORTS: one frontend per node with that node as its only server.
write_pinned_config() {
    local file=$STATE_DIR/haproxy-pinned.cfg i proxy=""
    [ "$PROXY_PROTOCOL" = 1 ] && proxy=" send-proxy-v2"
    {
        echo "# Generated by local-cluster.sh: one frontend per node, for putting a client on a chosen node."
        for i in "${NODES[@]}"; do
            echo
            echo "listen relay$i-pinned"
            echo "    bind \"\${LB_BIND}:${PINNED_PORTS[$((i - 1))]}\""
            echo "    server relay$i \"\${RELAY$i}\"$proxy"
        done
    } >"$file"
    echo "$file"
}

# CLUSTER_CONFIG with its Hazelcast port replaced by CLUSTER_PORT.
write_cluster_config() {
    local file=$STATE_DIR/cluster.xml
    [ -f "$CLUSTER_CONFIG" ] || die "CLUSTER_CONFIG $CLUSTER_CONFIG not found"
    sed -E "s|(<port[^>]*>)[0-9]+(</port>)|\1$CLUSTER_PORT\2|" "$CLUSTER_CONFIG" >"$file"
    grep -q ">$CLUSTER_PORT</port>" "$file" || die "no <port> element in $CLUSTER_CONFIG to set CLUSTER_PORT in"
    echo "$file"
}

# The lines of a log that say why a process ended: its errors, then its last lines.
show_failure() { # LOG
    grep -m 10 -E '^nuttssh:|^(Invalid|Unknown|Missing) |ERROR|ALERT|Exception' "$1" >&2 || true
    echo "  ..." >&2
    tail -n 10 "$1" >&2 || true
}

# Waits until the node's log says it listens; fails early if it exits.
await_node() { # NAME DEADLINE
    local name=$1 deadline=$2 pid
    while ! grep -q "nuttssh listening on" "$(log_file "$name")" 2>/dev/null; do
        if ! pid=$(live_pid "$(pid_file "$name")"); then
            echo "local-cluster: $name exited during start; from $(log_file "$name"):" >&2
            show_failure "$(log_file "$name")"
            exit 1
        fi
        # Cluster threads can keep a JVM alive after its start failed; it would never listen.
        if grep -q 'Exception in thread "main"' "$(log_file "$name")" 2>/dev/null; then
            echo "local-cluster: $name failed to start; from $(log_file "$name"):" >&2
            show_failure "$(log_file "$name")"
            exit 1
        fi
        [ "$SECONDS" -lt "$deadline" ] || die "$name did not start listening within ${START_TIMEOUT}s; see $(log_file "$name")"
        sleep 0.2
    done
}

# The cluster's CA, secret and one certificate per node, made once by the relay's own cluster-certs command.
make_certs() {
    local -a command
    read -r -a command <<<"$NUTTSSH_CMD"
    local out
    out=$(env -u NUTTSSH_CMD -u NUTTSSH_PORTS -u NUTTSSH_ARGS "${command[@]}" cluster-certs --dir "$STATE_DIR/certs" \
        --host 127.0.0.1 node1 node2 node3 2>&1) || die "cluster-certs failed: $out"
    say "certificates and the cluster secret in $STATE_DIR/certs"
}

start_node() { # INDEX
    local name=node$1 port=${PORTS[$(($1 - 1))]} certs=$STATE_DIR/certs
    local -a command extra config=()
    read -r -a command <<<"$NUTTSSH_CMD"
    read -r -a extra <<<"$NUTTSSH_ARGS"
    [ -n "$CLUSTER_CONFIG" ] && config=(--cluster-config "$CLUSTER_CONFIG")
    [ -n "$CLUSTER_PORT" ] && config=(--cluster-config "$STATE_DIR/cluster.xml")
    [ "$PROXY_PROTOCOL" = 1 ] && extra+=(--proxy-protocol)
    # The nodes read NUTTSSH_<SETTING> variables as settings; this script's own are none of them.
    env -u NUTTSSH_CMD -u NUTTSSH_PORTS -u NUTTSSH_ARGS \
        "${command[@]}" --bind "$BIND" --port "$port" --host-key "$HOST_KEY" --authorized-keys "$AUTHORIZED_KEYS" \
        --cluster --cluster-name "$CLUSTER_NAME" --cluster-members "$CLUSTER_MEMBERS" --cluster-host 127.0.0.1 \
        --cluster-tls-cert "$certs/$name.crt" --cluster-tls-key "$certs/$name.key" --cluster-tls-ca "$certs/ca.crt" \
        --cluster-secret "$certs/cluster.secret" \
        ${config[@]+"${config[@]}"} ${extra[@]+"${extra[@]}"} </dev/null >"$(log_file "$name")" 2>&1 &
    record_pid "$(pid_file "$name")" $!
    say "starting $name on port $port (pid $!)"
}

# The first node logs every member that joins it; both others must have, or they formed clusters of their own.
# They have finished joining once they listen, so the news is due within seconds.
await_one_cluster() { # DEADLINE
    local id i deadline=$((SECONDS + 10))
    [ "$1" -lt "$deadline" ] && deadline=$1
    for i in 2 3; do
        id=$(node_id "node$i")
        while ! grep -q "node $id joined the cluster" "$(log_file node1)"; do
            if [ "$SECONDS" -ge "$deadline" ]; then
                echo "local-cluster: node$i did not join node1's cluster: each node's members are in its log:" >&2
                grep -h "joined cluster" "$STATE_DIR"/node?.log >&2 || true
                die "Hazelcast ports 5701 and up may belong to another cluster here: try CLUSTER_PORT=5801"
            fi
            sleep 0.2
        done
    done
    say "node2 and node3 joined node1's cluster '$CLUSTER_NAME'"
}

# What status and stop need to know about a running cluster, for when they run without the start's environment.
save_settings() {
    {
        printf 'NUTTSSH_PORTS=%q\n' "$NUTTSSH_PORTS"
        printf 'LB_BIND=%q\n' "$LB_BIND"
        printf 'LB_PORT=%q\n' "$LB_PORT"
        printf 'NODE_LB_PORTS=%q\n' "$NODE_LB_PORTS"
    } >"$STATE_DIR/settings"
}

load_settings() {
    if [ -f "$STATE_DIR/settings" ]; then
        # shellcheck source=/dev/null
        . "$STATE_DIR/settings"
        read -r -a PORTS <<<"$NUTTSSH_PORTS"
        read -r -a PINNED_PORTS <<<"$NODE_LB_PORTS"
    fi
}

node_id() { # NAME: the node id the node logged when it started listening
    sed -n 's/.*nuttssh listening on .* (node \([0-9a-f-]*\).*/\1/p' "$(log_file "$1")" 2>/dev/null | tail -n 1
}

cmd_start() {
    check_settings
    check_prerequisites
    mkdir -p "$STATE_DIR"
    local name pid port
    for name in $(all_names); do
        if pid=$(live_pid "$(pid_file "$name")"); then
            die "$name is already running (pid $pid); run '$0 stop' first, or use another STATE_DIR"
        fi
    done
    local -a hazelcast_ports=()
    [ -n "$CLUSTER_PORT" ] && hazelcast_ports=("$CLUSTER_PORT" $((CLUSTER_PORT + 1)) $((CLUSTER_PORT + 2)))
    for port in "${PORTS[@]}" "$LB_PORT" "${PINNED_PORTS[@]}" "${hazelcast_ports[@]}"; do
        if accepts 127.0.0.1 "$port"; then
            die "port $port is already in use on 127.0.0.1; pick others (NUTTSSH_PORTS, LB_PORT, NODE_LB_PORTS, CLUSTER_PORT)"
        fi
    done

    # Whatever fails from here on, leave nothing running behind.
    local complete=0
    trap 'if [ "$complete" = 0 ]; then say "start failed; stopping what was started"; stop_processes $(all_names) >/dev/null; fi' EXIT
    trap 'exit 130' INT TERM

    [ -n "$CLUSTER_PORT" ] && write_cluster_config >/dev/null
    make_certs
    save_settings
    local deadline=$((SECONDS + START_TIMEOUT))
    # The first node forms the cluster alone; the others then join it. Nodes that all start at once may each form a
    # cluster of their own, which Hazelcast only merges minutes later.
    start_node 1
    await_node node1 "$deadline"
    start_node 2
    start_node 3
    await_node node2 "$deadline"
    await_node node3 "$deadline"
    await_one_cluster "$deadline"

    export LB_BIND LB_PORT PROXY_PROTOCOL
    unset DNS_RESOLVER # the nodes are addresses here, nothing to resolve
    export RELAY1="$BIND:${PORTS[0]}" RELAY2="$BIND:${PORTS[1]}" RELAY3="$BIND:${PORTS[2]}"
    [ "$BIND" = 0.0.0.0 ] && export RELAY1="127.0.0.1:${PORTS[0]}" RELAY2="127.0.0.1:${PORTS[1]}" RELAY3="127.0.0.1:${PORTS[2]}"
    local -a configs=(-f "$REPO/scripts/haproxy.cfg")
    [ -n "$NODE_LB_PORTS" ] && configs+=(-f "$(write_pinned_config)")
    local check
    check=$("$HAPROXY" -c -q "${configs[@]}" 2>&1) || die "HAProxy rejects its configuration: $check"
    "$HAPROXY" -db "${configs[@]}" </dev/null >"$(log_file haproxy)" 2>&1 &
    record_pid "$(pid_file haproxy)" $!
    say "starting haproxy on $LB_BIND port $LB_PORT (pid $!)"
    for port in "$LB_PORT" "${PINNED_PORTS[@]}"; do
        while ! accepts "$LB_BIND" "$port"; do
            if ! live_pid "$(pid_file haproxy)" >/dev/null; then
                echo "local-cluster: haproxy exited during start; from $(log_file haproxy):" >&2
                show_failure "$(log_file haproxy)"
                exit 1
            fi
            [ "$SECONDS" -lt "$deadline" ] || die "haproxy does not accept on port $port within ${START_TIMEOUT}s; see $(log_file haproxy)"
            sleep 0.2
        done
    done
    complete=1
    trap - EXIT INT TERM

    cmd_status || true
    say "try: ssh -p $LB_PORT ${LB_BIND/0.0.0.0/127.0.0.1} list   (logs in $STATE_DIR; '$0 stop' to stop)"
}

cmd_status() {
    local name pid all=0 i port
    for i in "${NODES[@]}"; do
        name=node$i
        port=${PORTS[$((i - 1))]}
        if pid=$(live_pid "$(pid_file "$name")"); then
            say "$name  running  pid $pid  ssh port $port  node $(node_id "$name")"
        else
            say "$name  stopped  ssh port $port"
            all=1
        fi
    done
    if pid=$(live_pid "$(pid_file haproxy)"); then
        local pinned=""
        [ -n "$NODE_LB_PORTS" ] && pinned="  per-node ports ${PINNED_PORTS[*]}"
        if accepts "$LB_BIND" "$LB_PORT"; then
            say "haproxy  running  pid $pid  port $LB_PORT$pinned"
        else
            say "haproxy  running  pid $pid  but port $LB_PORT does not accept connections"
            all=1
        fi
    else
        say "haproxy  stopped  port $LB_PORT"
        all=1
    fi
    return "$all"
}

cmd_stop() {
    local name any=0
    for name in $(all_names); do
        if live_pid "$(pid_file "$name")" >/dev/null; then
            any=1
        fi
    done
    if [ "$any" = 0 ]; then
        say "nothing running (state directory $STATE_DIR)"
    fi
    # HAProxy first, so no new client lands on a node that is going away.
    stop_processes haproxy
    stop_processes node1 node2 node3
}

case "${1:-}" in
    start) cmd_start ;;
    stop) load_settings; cmd_stop ;;
    status) load_settings; cmd_status ;;
    keys) cmd_keys ;;
    *) usage ;;
esac

#!/bin/sh
# The issuing step of docker-compose.yml: its one-shot "certs" service runs this in the relay image, as root, before
# the replicas start. It mounts
#   /ca           the operator's files, which no replica mounts: ca.key, and every node's certificate and key
#   /cluster      what every replica mounts: ca.crt, ca.crl (once a replica is revoked) and cluster.secret
#   /nodes/NAME   one volume per replica, which only that replica mounts: its node.crt and node.key
# With no arguments it makes the CA, the secret and a certificate for each NAME under /nodes (cluster-certs keeps
# what exists), and hands each replica its own. With arguments, they go to cluster-certs as they are, e.g.
#   docker compose run --rm certs --revoke relay2
# then the revocation list is handed out again: running replicas read it within seconds.
# NUTTSSH_UID: the user the replicas run as, who alone may read their keys and the secret.
set -eu

NUTTSSH_UID=${NUTTSSH_UID:-1878}

fail() {
    echo "compose-certs: $*" >&2
    exit 1
}

# Copies a file under a temporary name, then renames it: a replica never reads half a file.
hand_out() { # FROM TO
    cp -p "$1" "$2.partial"
    chown "$NUTTSSH_UID" "$2.partial"
    mv -f "$2.partial" "$2"
}

[ -d /nodes ] || fail "no /nodes: mount one volume per replica at /nodes/NAME"
if [ "$#" -eq 0 ]; then
    names=$(cd /nodes && ls)
    [ -n "$names" ] || fail "no replica volume under /nodes (expected: relay1:/nodes/relay1 and so on)"
    # shellcheck disable=SC2086 # one argument per name
    set -- $names
fi
java -jar /app/nuttssh.jar cluster-certs --dir /ca "$@"

hand_out /ca/ca.crt /cluster/ca.crt
hand_out /ca/cluster.secret /cluster/cluster.secret
if [ -f /ca/ca.crl ]; then
    hand_out /ca/ca.crl /cluster/ca.crl
fi
for node in /nodes/*; do
    name=${node##*/}
    [ -f "/ca/$name.crt" ] || fail "no certificate for replica $name: run this service without arguments first"
    hand_out "/ca/$name.crt" "$node/node.crt"
    hand_out "/ca/$name.key" "$node/node.key"
done

#!/usr/bin/env python3
"""Ansible dynamic inventory for the devices behind a Nuttssh relay.

Runs `ssh $NUTTSSH_RELAY list --json` (with the extra ssh arguments in $NUTTSSH_SSH_ARGS, split as a shell would),
and gives every listening client with port 22 (its sshd) a host whose ssh goes through the relay: the relay's names are the host names and
their port 22 the device's sshd, reached with `ssh -W NAME:22` through the relay (a ProxyCommand, which carries the
same extra arguments). Hosts are grouped by relay node (`node_<id>`) and by the part of the name before its first
`-` (`gw-berlin-1` is in `gw`), made into valid group names.

    NUTTSSH_RELAY=ops@relay.example.com NUTTSSH_SSH_ARGS='-p 1878 -i ~/.ssh/ops' \\
        ansible all -i nuttssh_inventory.py -m ping
"""

import json
import os
import re
import shlex
import subprocess
import sys

#: How long `list --json` may take: the relay answers from memory, so a slower answer means it is unreachable.
LIST_TIMEOUT_SECONDS = 60
#: Port 22 of a listening client is its sshd, as `ssh -R 22:localhost:22` publishes it.
DEVICE_PORT = 22


class InventoryError(Exception):
    """What went wrong, for stderr."""


def fail(message):
    print("nuttssh_inventory: " + message, file=sys.stderr)
    sys.exit(1)


def relay_command():
    relay = os.environ.get("NUTTSSH_RELAY", "").strip()
    if not relay:
        raise InventoryError("NUTTSSH_RELAY is not set (expected: the relay as an ssh destination or Host alias, "
                             "e.g. ops@relay.example.com)")
    try:
        extra = shlex.split(os.environ.get("NUTTSSH_SSH_ARGS", ""))
    except ValueError as e:
        raise InventoryError("NUTTSSH_SSH_ARGS: %s (expected: ssh arguments as a shell would write them)" % e)
    return relay, extra


def listing(relay, extra):
    command = ["ssh", "-o", "BatchMode=yes"] + extra + [relay, "list", "--json"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=LIST_TIMEOUT_SECONDS)
    except FileNotFoundError:
        raise InventoryError("ssh: not found (expected: an OpenSSH client on PATH)")
    except subprocess.TimeoutExpired:
        raise InventoryError("%s did not answer 'list --json' within %d s" % (relay, LIST_TIMEOUT_SECONDS))
    if done.returncode != 0:
        raise InventoryError("'%s' failed (exit %d): %s" % (" ".join(map(shlex.quote, command)), done.returncode,
                                                          done.stderr.strip() or "no message"))
    try:
        rows = json.loads(done.stdout)
    except ValueError as e:
        raise InventoryError("%s answered 'list --json' with something that is not JSON (%s): %.200r"
                             % (relay, e, done.stdout))
    if not isinstance(rows, list) or not all(isinstance(row, dict) and isinstance(row.get("name"), str)
                                             for row in rows):
        raise InventoryError("%s answered 'list --json' with %.200r (expected: a JSON array of objects with a "
                             "name)" % (relay, done.stdout))
    return rows


def group_name(text):
    """A valid Ansible group name: letters, digits and _, not starting with a digit."""
    name = re.sub(r"[^A-Za-z0-9_]", "_", text)
    return "_" + name if not name or name[0].isdigit() else name


def host_vars(row, relay, extra):
    proxy = " ".join(shlex.quote(word) for word in ["ssh"] + extra + ["-W", "%h:%p", relay])
    return {
        "ansible_host": row["name"],
        "ansible_port": DEVICE_PORT,
        "ansible_ssh_common_args": "-o ProxyCommand=" + shlex.quote(proxy),
        "nuttssh_node": row.get("node"),
        "nuttssh_aliases": row.get("aliases", []),
        "nuttssh_connected_since": row.get("connected_since"),
    }


def inventory(rows, relay, extra):
    hostvars = {}
    groups = {}
    for row in rows:
        if DEVICE_PORT not in row.get("ports", []):
            continue  # no sshd to reach: a client forwarding only a web port is no Ansible host
        name = row["name"]
        hostvars[name] = host_vars(row, relay, extra)
        names = [group_name(name.split("-", 1)[0])]
        if row.get("node"):
            names.append(group_name("node_" + str(row["node"])))
        for group in names:
            members = groups.setdefault(group, [])
            if name not in members:
                members.append(name)
    result = {group: {"hosts": members} for group, members in sorted(groups.items())}
    result["all"] = {"children": sorted(groups)}
    result["_meta"] = {"hostvars": hostvars}
    return result


def main(argv):
    if len(argv) == 2 and argv[1] == "--list":
        mode = None
    elif len(argv) == 3 and argv[1] == "--host":
        mode = argv[2]
    else:
        print("usage: nuttssh_inventory.py --list | --host HOST", file=sys.stderr)
        return 2
    try:
        relay, extra = relay_command()
        result = inventory(listing(relay, extra), relay, extra)
    except InventoryError as e:
        fail(str(e))
    if mode is None:
        print(json.dumps(result, indent=2, sort_keys=True))
    else:
        print(json.dumps(result["_meta"]["hostvars"].get(mode, {}), indent=2, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

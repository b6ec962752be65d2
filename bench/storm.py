"""Benchmark load generator: a storm of listening clients, each an asyncssh connection that asks for one remote
forward, as `ssh -N -R PORT:localhost:22 NAME@server` would. All of them connect within one process, at most
CONCURRENT handshakes at a time, as fast as the server lets them; once every one is registered it prints
`registered COUNT SECONDS`, then holds the connections until stdin closes.

    python3 bench/storm.py HOST PORT KEYFILE COUNT virtual|classic [FIRST_PORT]

virtual: every client forwards port 22 under its own user name (a switchboard relay: no real port opens).
classic: every client logs in as the current user and forwards a real port, FIRST_PORT + its number, as the classic
sshd relay needs (sshd opens a real listening socket for each).

Needs asyncssh (Debian: python3-asyncssh), which is why bench/run starts it with a Python that has it.
"""

import asyncio
import getpass
import sys
import time

import asyncssh

CONCURRENT = 64             # handshakes in flight at once, as bench/IdleListeners.java
CONNECT_TIMEOUT = 60        # seconds for one client to connect, log in and register
TOTAL_TIMEOUT = 600         # seconds for the whole storm


class Ignore(asyncssh.SSHClient):
    """Refuses nothing and logs nothing: the fleet only listens."""


async def one(host, port, key, name, forward_port, bind_host, slots, connections):
    async with slots:
        conn = await asyncio.wait_for(asyncssh.connect(
            host, port, username=name, client_keys=[key], known_hosts=None, client_factory=Ignore,
            agent_path=None, keepalive_interval=0), CONNECT_TIMEOUT)
        # The relay only records the forward; nothing ever connects through it in the storm.
        await asyncio.wait_for(conn.forward_remote_port(bind_host, forward_port, "127.0.0.1", 9), CONNECT_TIMEOUT)
        connections.append(conn)


async def main():
    host, port, key_file, count, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), sys.argv[5]
    first_port = int(sys.argv[6]) if len(sys.argv) > 6 else 0
    key = asyncssh.read_private_key(key_file)
    slots = asyncio.Semaphore(CONCURRENT)
    connections = []
    start = time.time()
    tasks = []
    for i in range(count):
        if mode == "virtual":
            name, forward_port, bind_host = "storm%d" % i, 22, "localhost"
        else:
            name, forward_port, bind_host = getpass.getuser(), first_port + i, "127.0.0.1"
        tasks.append(one(host, port, key, name, forward_port, bind_host, slots, connections))
    await asyncio.wait_for(asyncio.gather(*tasks), TOTAL_TIMEOUT)
    print("registered %d %.3f" % (len(connections), time.time() - start), flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    for conn in connections:
        conn.close()
    await asyncio.gather(*(conn.wait_closed() for conn in connections), return_exceptions=True)


if __name__ == "__main__":
    asyncio.run(main())

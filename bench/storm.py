"""Benchmark load generator: a storm of listening clients, each an asyncssh connection that asks for one remote
forward, as `ssh -N -R PORT:localhost:22 NAME@server` would. All of them connect within one process, at most
CONCURRENT handshakes at a time, as fast as the server lets them; once every one is registered it prints
`registered COUNT SECONDS`, then holds the connections until stdin closes.

    python3 bench/storm.py HOST PORT KEYFILE COUNT virtual|classic [FIRST_PORT [PREFIX [SOURCES]]]

virtual: every client forwards port 22 under its own user name (a switchboard relay: no real port opens).
classic: every client logs in as the current user and forwards a real port, FIRST_PORT + its number, as the classic
sshd relay needs (sshd opens a real listening socket for each).
PREFIX: virtual clients are named PREFIX0, PREFIX1, ... (default storm).
SOURCES: two octets such as 127.12: client N connects from 127.12.(N / 250).(N % 250 + 1), an address of its own,
so that no source meets the server's per-source limits (every 127.0.0.0/8 address is loopback).
The process raises its own open-file limit to what COUNT connections need, up to the hard limit.

Needs asyncssh (Debian: python3-asyncssh), which is why bench/run starts it with a Python that has it.
"""

import asyncio
import getpass
import resource
import sys
import time

import asyncssh

CONCURRENT = 64             # handshakes in flight at once, as bench/IdleListeners.java
CONNECT_TIMEOUT = 60        # seconds for one client to connect, log in and register
TOTAL_TIMEOUT = 1800        # seconds for the whole storm: the scale part's 30k at the 100/s take 300
FILES_PER_CLIENT = 1        # one socket each
SPARE_FILES = 256           # the interpreter's own files, the key, the pipes
HOSTS_PER_SUBNET = 250      # SOURCES.X.1 to SOURCES.X.250, then X + 1


class Ignore(asyncssh.SSHClient):
    """Refuses nothing and logs nothing: the fleet only listens."""


async def one(host, port, key, name, forward_port, bind_host, source, slots, connections):
    async with slots:
        conn = await asyncio.wait_for(asyncssh.connect(
            host, port, username=name, client_keys=[key], known_hosts=None, client_factory=Ignore,
            agent_path=None, keepalive_interval=0, local_addr=(source, 0) if source else None), CONNECT_TIMEOUT)
        # The relay only records the forward; nothing ever connects through it in the storm.
        await asyncio.wait_for(conn.forward_remote_port(bind_host, forward_port, "127.0.0.1", 9), CONNECT_TIMEOUT)
        connections.append(conn)


def source_address(sources, i):
    if not sources:
        return None
    return "%s.%d.%d" % (sources, i // HOSTS_PER_SUBNET % 256, i % HOSTS_PER_SUBNET + 1)


def raise_file_limit(count):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = count * FILES_PER_CLIENT + SPARE_FILES
    if soft != resource.RLIM_INFINITY and soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE,
                           (wanted if hard == resource.RLIM_INFINITY else min(wanted, hard), hard))


async def main():
    host, port, key_file, count, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), sys.argv[5]
    first_port = int(sys.argv[6]) if len(sys.argv) > 6 else 0
    prefix = sys.argv[7] if len(sys.argv) > 7 else "storm"
    sources = sys.argv[8] if len(sys.argv) > 8 else None
    raise_file_limit(count)
    key = asyncssh.read_private_key(key_file)
    slots = asyncio.Semaphore(CONCURRENT)
    connections = []
    start = time.time()
    tasks = []
    for i in range(count):
        if mode == "virtual":
            name, forward_port, bind_host = "%s%d" % (prefix, i), 22, "localhost"
        else:
            name, forward_port, bind_host = getpass.getuser(), first_port + i, "127.0.0.1"
        tasks.append(one(host, port, key, name, forward_port, bind_host, source_address(sources, i), slots,
                         connections))
    await asyncio.wait_for(asyncio.gather(*tasks), TOTAL_TIMEOUT)
    print("registered %d %.3f" % (len(connections), time.time() - start), flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    for conn in connections:
        conn.close()
    await asyncio.gather(*(conn.wait_closed() for conn in connections), return_exceptions=True)


if __name__ == "__main__":
    asyncio.run(main())

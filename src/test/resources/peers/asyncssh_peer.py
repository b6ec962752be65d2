"""asyncssh as a relay client, for the interoperability tests (FieldClientsTest); the same modes and arguments as
paramiko_peer.py: listen VIRTUAL_PORT TARGET_PORT, open NAME:PORT, run COMMAND."""
import asyncio
import sys
import warnings

warnings.filterwarnings("ignore")  # Debian's cryptography warns about ciphers asyncssh merely imports

import asyncssh  # noqa: E402

CHUNK = 32768


async def connect(host, port, user, key, host_key_pub):
    trusted = asyncssh.read_public_key(host_key_pub)
    return await asyncssh.connect(host, port=int(port), username=user, client_keys=[key], known_hosts=([trusted], [], []),
                                  agent_path=None, connect_timeout=10)


async def listen(conn, virtual_port, target_port):
    await conn.forward_remote_port("localhost", int(virtual_port), "127.0.0.1", int(target_port))
    print("listening", flush=True)
    await conn.wait_closed()


async def open_circuit(conn, target):
    name, port = target.rsplit(":", 1)
    reader, writer = await conn.open_connection(name, int(port))
    loop = asyncio.get_running_loop()

    async def upstream():
        while True:
            data = await loop.run_in_executor(None, sys.stdin.buffer.read1, CHUNK)
            if not data:
                writer.write_eof()
                return
            writer.write(data)
            await writer.drain()

    sending = asyncio.ensure_future(upstream())
    while True:
        data = await reader.read(CHUNK)
        if not data:
            break
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    await sending
    writer.close()


async def run(conn, command):
    result = await conn.run(command)
    sys.stdout.write(result.stdout)
    sys.stderr.write(result.stderr)
    return result.exit_status


async def main(argv):
    host, port, user, key, host_key_pub, mode = argv[:6]
    async with await connect(host, port, user, key, host_key_pub) as conn:
        if mode == "listen":
            await listen(conn, *argv[6:8])
        elif mode == "open":
            await open_circuit(conn, argv[6])
        else:
            return await run(conn, argv[6])
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1:])))

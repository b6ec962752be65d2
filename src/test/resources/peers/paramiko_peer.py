"""paramiko as a relay client, for the interoperability tests (FieldClientsTest).

    paramiko_peer.py COMMON listen VIRTUAL_PORT TARGET_PORT   remote forward VIRTUAL_PORT to 127.0.0.1:TARGET_PORT
    paramiko_peer.py COMMON open NAME:PORT                    a direct-tcpip circuit between stdin/stdout and NAME:PORT
    paramiko_peer.py COMMON run COMMAND                       a relay command; its output, its exit status

COMMON is HOST PORT USER KEY HOST_KEY_PUB: the host key is checked strictly against HOST_KEY_PUB.
"""
import base64
import socket
import sys
import threading

import paramiko

CHUNK = 32768
KEY_TYPES = {"ssh-ed25519": paramiko.Ed25519Key, "ecdsa-sha2-nistp256": paramiko.ECDSAKey, "ssh-rsa": paramiko.RSAKey}


def connect(host, port, user, key, host_key_pub):
    kind, blob = open(host_key_pub).read().split()[:2]
    client = paramiko.SSHClient()
    client.set_missing_host_key_policy(paramiko.RejectPolicy())
    known_as = host if int(port) == 22 else "[%s]:%s" % (host, port)
    client.get_host_keys().add(known_as, kind, KEY_TYPES[kind](data=base64.b64decode(blob)))
    client.connect(host, port=int(port), username=user, key_filename=key, look_for_keys=False, allow_agent=False,
                   timeout=10)
    return client


def pump(source_recv, sink_send, on_eof):
    while True:
        data = source_recv(CHUNK)
        if not data:
            break
        sink_send(data)
    on_eof()


def listen(client, virtual_port, target_port):
    def handler(channel, origin, server):
        target = socket.create_connection(("127.0.0.1", int(target_port)))
        threading.Thread(target=pump, args=(channel.recv, target.sendall,
                                            lambda: target.shutdown(socket.SHUT_WR)), daemon=True).start()
        threading.Thread(target=pump, args=(target.recv, channel.sendall, channel.shutdown_write),
                         daemon=True).start()

    client.get_transport().request_port_forward("localhost", int(virtual_port), handler=handler)
    print("listening", flush=True)
    while client.get_transport().is_active():
        client.get_transport().join(1)


def open_circuit(client, target):
    name, port = target.rsplit(":", 1)
    channel = client.get_transport().open_channel("direct-tcpip", (name, int(port)), ("127.0.0.1", 0))
    stdin = sys.stdin.buffer
    threading.Thread(target=pump, args=(lambda n: stdin.read1(n), channel.sendall, channel.shutdown_write),
                     daemon=True).start()
    out = sys.stdout.buffer
    pump(channel.recv, lambda data: (out.write(data), out.flush()), lambda: None)
    channel.close()


def run(client, command):
    _, stdout, stderr = client.exec_command(command)
    sys.stdout.write(stdout.read().decode())
    sys.stderr.write(stderr.read().decode())
    return stdout.channel.recv_exit_status()


def main(argv):
    host, port, user, key, host_key_pub, mode = argv[:6]
    client = connect(host, port, user, key, host_key_pub)
    try:
        if mode == "listen":
            listen(client, *argv[6:8])
        elif mode == "open":
            open_circuit(client, argv[6])
        else:
            return run(client, argv[6])
    finally:
        client.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

package org.nuttssh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.nuttssh.testing.SshKeygen;

/**
 * The SSH clients the relay meets in the field, each run as its users run it, as a program of its own with a key
 * of its own: OpenSSH's {@code ssh}, dropbear's {@code dbclient} (routers), PuTTY's {@code plink} (Windows admins),
 * paramiko (Ansible), asyncssh (Python services) and JSch (Java tools). Each can listen (a remote forward under its
 * own name), open a circuit between stdin/stdout and {@code NAME:PORT}, and run a relay command. Every client checks
 * the relay's host key against the given one, except dbclient, which has no option to name a known_hosts file.
 */
final class FieldClients {

    enum Client {
        OPENSSH, DROPBEAR, PLINK, PARAMIKO, ASYNCSSH, JSCH;

        /** The user name the client logs in as, and so the name it listens under. */
        String user() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Debian's python3, where python3-paramiko and python3-asyncssh are installed (not a pyenv one on PATH). */
    private static final String PYTHON = "/usr/bin/python3";
    private static final Path PEERS = Path.of("src", "test", "resources", "peers").toAbsolutePath();
    private static final String HOST_KEY_ALIAS = "nuttssh-relay";

    private final Path dir;
    private final Path hostKey;

    /**
     * Makes a key for every client, in the format that client reads.
     *
     * @param hostKey the relay's host key, which may be written after this (a fixture's relay starts later)
     */
    FieldClients(Path dir, Path hostKey) throws IOException, InterruptedException {
        this.dir = dir;
        this.hostKey = hostKey;
        for (Client client : Client.values()) {
            Path key = key(client);
            SshKeygen.generate(key, "ed25519", client.user());
            switch (client) {
                case DROPBEAR -> RelayFixture.exec(List.of("dropbearconvert", "openssh", "dropbear", key.toString(),
                        key + ".dropbear"));
                case PLINK -> RelayFixture.exec(List.of("puttygen", key.toString(), "-O", "private", "-o",
                        key + ".ppk"));
                default -> { }
            }
        }
    }

    /** authorized_keys lines, one per client, each with these options. */
    String authorizedKeys(String options) throws IOException {
        StringBuilder lines = new StringBuilder();
        for (Client client : Client.values()) {
            lines.append(options).append(' ').append(Files.readString(Path.of(key(client) + ".pub")).trim())
                    .append('\n');
        }
        return lines.toString();
    }

    /** A listening client: remote forward of {@code virtualPort} to {@code 127.0.0.1:targetPort}, until killed. */
    List<String> listen(Client client, String host, int port, int virtualPort, int targetPort) throws IOException {
        String forward = virtualPort + ":127.0.0.1:" + targetPort;
        return switch (client) {
            case OPENSSH -> program(client, host, port, List.of("-N", "-o", "ExitOnForwardFailure=yes", "-R",
                    forward), null);
            case DROPBEAR, PLINK -> program(client, host, port, List.of("-N", "-R", forward), null);
            default -> library(client, host, port, "listen", String.valueOf(virtualPort), String.valueOf(targetPort));
        };
    }

    /** A circuit between stdin/stdout and {@code target} ({@code NAME:PORT}); ends when both sides have. */
    List<String> open(Client client, String host, int port, String target) throws IOException {
        return switch (client) {
            case OPENSSH -> program(client, host, port, List.of("-W", target), null);
            case DROPBEAR -> program(client, host, port, List.of("-B", target), null);
            case PLINK -> program(client, host, port, List.of("-nc", target), null);
            default -> library(client, host, port, "open", target);
        };
    }

    /** A relay command such as {@code list} or {@code whoami}. */
    List<String> run(Client client, String host, int port, String command) throws IOException {
        return switch (client) {
            case OPENSSH, DROPBEAR, PLINK -> program(client, host, port, List.of(), command);
            default -> library(client, host, port, "run", command);
        };
    }

    private List<String> program(Client client, String host, int port, List<String> options, String remoteCommand)
            throws IOException {
        List<String> command = new ArrayList<>(switch (client) {
            case OPENSSH -> List.of("ssh", "-F", "/dev/null", "-i", key(client).toString(),
                    "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes",
                    "-o", "HostKeyAlias=" + HOST_KEY_ALIAS, "-o", "UserKnownHostsFile=" + knownHosts(),
                    "-o", "GlobalKnownHostsFile=/dev/null", "-o", "ControlPath=none", "-o", "ConnectTimeout=10",
                    "-p", String.valueOf(port));
            // -y -y: no host key check at all; without it dbclient asks, or stores into ~/.ssh/known_hosts.
            case DROPBEAR -> List.of("dbclient", "-y", "-y", "-i", key(client) + ".dropbear",
                    "-p", String.valueOf(port));
            case PLINK -> List.of("plink", "-batch", "-ssh", "-P", String.valueOf(port), "-i", key(client) + ".ppk",
                    "-hostkey", fingerprint());
            default -> throw new IllegalArgumentException(client + " is a library, not a program");
        });
        command.addAll(options);
        command.add(client.user() + "@" + host);
        if (remoteCommand != null) {
            command.add(remoteCommand);
        }
        return command;
    }

    private Path knownHosts() throws IOException {
        Path knownHosts = dir.resolve("field_known_hosts");
        Files.writeString(knownHosts, HOST_KEY_ALIAS + " " + Files.readString(Path.of(hostKey + ".pub")).trim() + "\n");
        return knownHosts;
    }

    private List<String> library(Client client, String host, int port, String... args) {
        List<String> command = new ArrayList<>(switch (client) {
            case PARAMIKO -> List.of(PYTHON, PEERS.resolve("paramiko_peer.py").toString());
            case ASYNCSSH -> List.of(PYTHON, PEERS.resolve("asyncssh_peer.py").toString());
            case JSCH -> List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx64m", "-cp",
                    System.getProperty("java.class.path"), JschPeer.class.getName());
            default -> throw new IllegalArgumentException(client + " is a program, not a library");
        });
        command.addAll(List.of(host, String.valueOf(port), client.user(), key(client).toString(),
                hostKey + ".pub"));
        command.addAll(List.of(args));
        return command;
    }

    /**
     * Sends {@code input} into a circuit started with its stdin as a pipe, waits until {@code expected} has come back,
     * then ends the input and checks that the circuit ends cleanly with exactly that output. The reply is awaited
     * before the end of input because JSch, as a listener, cannot pass a half-close on: it closes the target's socket
     * when the initiator's EOF arrives (closing a Java socket's output stream closes the socket), and a reply still
     * on its way is lost. Every other client here passes the EOF on and the reply comes back after it.
     */
    static void converse(SshProcess circuit, String input, String expected) throws Exception {
        circuit.stdin().write(input.getBytes(StandardCharsets.UTF_8));
        circuit.stdin().flush();
        RelayFixture.await(circuit, "the reply " + expected.strip(), () -> {
            try {
                return circuit.stdout().equals(expected);
            } catch (UncheckedIOException e) {
                return false;
            }
        });
        circuit.stdin().close();
        assertEquals(0, circuit.waitFor(RelayFixture.TIMEOUT), circuit.stderr());
        assertEquals(expected, circuit.stdout(), circuit.stderr());
    }

    private String fingerprint() throws IOException {
        try {
            return SshKeygen.fingerprint(hostKey);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted reading the host key's fingerprint", e);
        }
    }

    private Path key(Client client) {
        return dir.resolve("field-" + client.user());
    }
}

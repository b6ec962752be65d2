package org.nuttssh.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.nuttssh.testing.SshKeygen;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input on the command line: a clear, specific message and a non-zero exit, before anything listens. */
class CommandLineTest {

    @TempDir
    Path dir;

    private record Result(int status, String output) {
    }

    private Result run(String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream console = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        PrintStream stdout = System.out;
        System.setOut(console); // picocli prints --help and --version to stdout
        try {
            int status = NuttsshCommand.commandLine(console, Map.of()).execute(args);
            return new Result(status, bytes.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(stdout);
        }
    }

    private String[] withFiles(String... args) throws Exception {
        Path hostKey = dir.resolve("ssh_host_key");
        if (!Files.exists(hostKey)) {
            SshKeygen.generate(hostKey, "ed25519", "");
            Files.writeString(dir.resolve("authorized_keys"),
                    "access=\"listen\" " + Files.readString(Path.of(hostKey + ".pub")));
        }
        List<String> all = new ArrayList<>(List.of("--bind", "127.0.0.1",
                "--host-key", hostKey.toString(), "--authorized-keys", dir.resolve("authorized_keys").toString()));
        all.addAll(List.of(args));
        return all.toArray(String[]::new);
    }

    @Test
    void unknownFlagIsAUsageError() {
        Result result = run("--prot", "22");
        assertEquals(2, result.status());
        assertTrue(result.output().contains("Unknown options: '--prot'"), result.output());
    }

    @Test
    void badNumberNamesTheFlag() {
        Result result = run("--port", "twenty-two");
        assertEquals(2, result.status());
        assertTrue(result.output().contains("--port"), result.output());
    }

    @Test
    void outOfRangePortIsRefused() throws Exception {
        Result result = run(withFiles("--port", "70000"));
        assertEquals(1, result.status());
        assertTrue(result.output().contains("port: '70000' from --port (expected: 0-65535)"), result.output());
    }

    @Test
    void aDrainRateOutOfRangeOrNotANumberIsRefused() throws Exception {
        Result negative = run(withFiles("--drain-rate", "-5"));
        assertEquals(1, negative.status());
        assertTrue(negative.output().contains(
                "drain-rate: '-5' from --drain-rate (expected: 0 (all at once) to 1000000 clients per second)"),
                negative.output());
        Result huge = run(withFiles("--drain-rate", "2000000"));
        assertEquals(1, huge.status());
        assertTrue(huge.output().contains("drain-rate: '2000000' from --drain-rate (expected: "), huge.output());
        Result word = run(withFiles("--drain-rate", "fast"));
        assertEquals(2, word.status());
        assertTrue(word.output().contains("--drain-rate"), word.output());
    }

    @Test
    void unknownCipherIsNamedWithTheSupportedOnes() throws Exception {
        Result result = run(withFiles("--ciphers", "aes128-gcm@openssh.com,rot13"));
        assertEquals(1, result.status());
        assertTrue(result.output().contains("ciphers: 'rot13' from --ciphers (expected: a comma-separated list of "),
                result.output());
        assertTrue(result.output().contains("aes256-ctr"), result.output());
    }

    @Test
    void clusterOptionsWithoutClusterAreRefused() throws Exception {
        Result result = run(withFiles("--cluster-members", "10.1.2.3"));
        assertEquals(1, result.status());
        assertTrue(result.output().contains("--cluster-* options need --cluster"), result.output());
    }

    @Test
    void aClusterWithoutTlsAndSecretIsRefusedWithTheCommandThatMakesThem() throws Exception {
        Result result = run(withFiles("--port", "0", "--cluster", "--cluster-tls-ca", "ca.crt"));
        assertEquals(1, result.status());
        assertTrue(result.output().startsWith("nuttssh: --cluster needs --cluster-tls-cert, --cluster-tls-key, "
                + "--cluster-tls-ca and --cluster-secret"), result.output());
        assertTrue(result.output().contains("java -jar nuttssh.jar cluster-certs --dir DIR NODE..."),
                result.output());
        assertTrue(result.output().contains("--cluster-insecure"), result.output());

        Result both = run(withFiles("--port", "0", "--cluster", "--cluster-insecure", "--cluster-secret", "s"));
        assertEquals(1, both.status());
        assertTrue(both.output().contains("--cluster-insecure and --cluster-tls-*/--cluster-secret exclude each "
                + "other"), both.output());
    }

    @Test
    void aClusterSecretThatOthersCanReadIsRefused() throws Exception {
        assertEquals(0, run("cluster-certs", "--dir", dir.resolve("certs").toString(), "relay1").status());
        Path certs = dir.resolve("certs");
        Files.setPosixFilePermissions(certs.resolve("cluster.secret"), PosixFilePermissions.fromString("rw-r--r--"));

        Result result = run(withFiles("--port", "0", "--cluster", "--cluster-tls-cert", certs + "/relay1.crt",
                "--cluster-tls-key", certs + "/relay1.key", "--cluster-tls-ca", certs + "/ca.crt",
                "--cluster-secret", certs + "/cluster.secret"));

        assertEquals(1, result.status());
        assertTrue(result.output().contains("cluster secret " + certs.resolve("cluster.secret") + " is accessible by "
                + "other users (rw-r--r--); make it private with: chmod 600 "), result.output());
    }

    @Test
    void clusterCertsMakesWhatOpensslVerifiesAndNeverOverwrites() throws Exception {
        Path certs = dir.resolve("certs");
        Result made = run("cluster-certs", "--dir", certs.toString(), "--host", "10.0.0.11", "--host", "relay.lan",
                "relay1", "relay2");
        assertEquals(0, made.status(), made.output());

        for (String node : List.of("relay1", "relay2")) {
            Process verify = new ProcessBuilder("openssl", "verify", "-CAfile", certs.resolve("ca.crt").toString(),
                    certs.resolve(node + ".crt").toString()).redirectErrorStream(true).start();
            String output = new String(verify.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, verify.waitFor(), output);
            assertEquals(certs.resolve(node + ".crt") + ": OK\n", output);
        }
        Process text = new ProcessBuilder("openssl", "x509", "-noout", "-text", "-in",
                certs.resolve("relay1.crt").toString()).redirectErrorStream(true).start();
        String certificate = new String(text.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(certificate.contains("DNS:relay1, IP Address:10.0.0.11, DNS:relay.lan"), certificate);
        assertTrue(certificate.contains("TLS Web Server Authentication, TLS Web Client Authentication"), certificate);
        for (String secret : List.of("ca.key", "relay1.key", "relay2.key", "cluster.secret")) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                    certs.resolve(secret))), secret);
        }
        assertEquals(32, Files.size(certs.resolve("cluster.secret")));

        byte[] ca = Files.readAllBytes(certs.resolve("ca.crt"));
        byte[] key = Files.readAllBytes(certs.resolve("relay1.key"));
        byte[] secret = Files.readAllBytes(certs.resolve("cluster.secret"));
        Result again = run("cluster-certs", "--dir", certs.toString(), "relay1", "relay3");
        assertEquals(0, again.status(), again.output());
        assertTrue(again.output().contains("kept relay1: "), again.output());
        assertArrayEquals(ca, Files.readAllBytes(certs.resolve("ca.crt")));
        assertArrayEquals(key, Files.readAllBytes(certs.resolve("relay1.key")));
        assertArrayEquals(secret, Files.readAllBytes(certs.resolve("cluster.secret")));
        Process verify = new ProcessBuilder("openssl", "verify", "-CAfile", certs.resolve("ca.crt").toString(),
                certs.resolve("relay3.crt").toString()).redirectErrorStream(true).start();
        assertEquals(0, verify.waitFor(), "a node added later is signed by the same CA");

        Result bad = run("cluster-certs", "--dir", certs.toString(), "../evil");
        assertEquals(1, bad.status());
        assertTrue(bad.output().contains("node name '../evil' (expected: "), bad.output());
    }

    @Test
    void missingHostKeySaysHowToCreateIt() throws Exception {
        Path missing = dir.resolve("no_such_key");
        Result result = run("--host-key", missing.toString(), "--authorized-keys", dir.resolve("ak").toString());
        assertEquals(1, result.status());
        assertEquals("nuttssh: host key " + missing + " not found; create one with: ssh-keygen -t ed25519 -N '' -f "
                + missing + "\n", result.output());
    }

    @Test
    void hostKeyThatIsNotAKeyIsRefused() throws Exception {
        String[] args = withFiles();
        Files.writeString(dir.resolve("ssh_host_key"), "not a key\n");
        Result result = run(args);
        assertEquals(1, result.status());
        assertTrue(result.output().contains("host key " + dir.resolve("ssh_host_key") + " "), result.output());
    }

    @Test
    void hostKeyOthersCanReadIsRefusedLikeSshd() throws Exception {
        String[] args = withFiles("--port", "0");
        Path hostKey = dir.resolve("ssh_host_key");
        for (String mode : List.of("rw-r--r--", "rw-r-----", "rw-----w-")) {
            Files.setPosixFilePermissions(hostKey, PosixFilePermissions.fromString(mode));
            Result result = run(args);
            assertEquals(1, result.status(), mode);
            assertEquals("nuttssh: host key " + hostKey + " is accessible by other users (" + mode + "); make it "
                    + "private with: chmod 600 " + hostKey + "\n", result.output());
        }
    }

    @Test
    void proxyProtocolNeedsTheProxiesItTrusts() throws Exception {
        Result without = run(withFiles("--port", "0", "--proxy-protocol"));
        assertEquals(1, without.status());
        assertTrue(without.output().startsWith("nuttssh: proxy-protocol-from: '' from the default (expected: the "
                + "addresses of the proxies whose PROXY headers to trust, as addresses or CIDR blocks (e.g. "
                + "10.0.0.5,10.1.0.0/24), since proxy-protocol is on"), without.output());

        Result bad = run(withFiles("--port", "0", "--proxy-protocol", "--proxy-protocol-from", "10.0.0.5,10.1.0.1/24"));
        assertEquals(1, bad.status());
        assertTrue(bad.output().contains("proxy-protocol-from: '10.0.0.5,10.1.0.1/24' from --proxy-protocol-from "
                + "(expected: addresses or CIDR blocks separated by commas, e.g. 10.0.0.5,10.1.0.0/24; invalid CIDR "
                + "'10.1.0.1/24': the address has bits set beyond the /24 prefix"), bad.output());

        Result alone = run(withFiles("--port", "0", "--proxy-protocol-from", "10.0.0.5"));
        assertEquals(1, alone.status());
        assertTrue(alone.output().contains("proxy-protocol-from: '10.0.0.5' from --proxy-protocol-from (expected: "
                + "nothing unless proxy-protocol is on)"), alone.output());
    }

    @Test
    void maxStartupsTakesOpenSshsForms() throws Exception {
        for (String bad : List.of("10:30", "30:10:20", "10:101:20", "a:b:c", "-1")) {
            Result result = run(withFiles("--port", "0", "--max-startups", bad));
            assertEquals(1, result.status(), bad);
            assertTrue(result.output().contains("max-startups: '" + bad + "' from --max-startups (expected: "
                    + "START:RATE:FULL (START <= FULL, RATE a percentage), a single number, or 0 for no limit"),
                    result.output());
        }
    }

    @Test
    void missingAuthorizedKeysNamesTheFile() throws Exception {
        String[] args = withFiles();
        Files.delete(dir.resolve("authorized_keys"));
        Result result = run(args);
        assertEquals(1, result.status());
        assertTrue(result.output().contains(dir.resolve("authorized_keys").toString()), result.output());
        assertTrue(result.output().contains("not found"), result.output());
    }

    @Test
    void portInUseNamesThePort() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Result result = run(withFiles("--port", String.valueOf(taken.getLocalPort())));
            assertEquals(1, result.status());
            assertTrue(result.output().contains("cannot listen on 127.0.0.1 port " + taken.getLocalPort()),
                    result.output());
        }
    }

    @Test
    void versionAndHelp() {
        Result version = run("--version");
        assertEquals(0, version.status());
        assertTrue(version.output().matches("nuttssh \\d+\\.\\d+\\.\\d+.*\\n"), version.output());

        Result help = run("--help");
        assertEquals(0, help.status());
        for (String flag : List.of("--bind", "--port", "--host-key", "--authorized-keys", "--log-level", "--init",
                "--proxy-protocol-from", "--reserved-names", "--max-startups", "--max-startups-per-source",
                "--max-sessions-per-connection", "--max-channels-per-connection")) {
            assertTrue(help.output().contains(flag), flag);
        }
        assertTrue(help.output().contains("Address for the metrics port (default: 127.0.0.1)"), help.output());
    }
}

package org.nuttssh.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nuttssh.config.CertificateConfig;
import org.nuttssh.config.ClusterConfig;
import org.nuttssh.config.MaxStartups;
import org.nuttssh.config.PerSourcePenalties;
import org.nuttssh.config.PresenceConfig;
import org.nuttssh.config.RelayConfig;

import picocli.CommandLine;

/** --config, NUTTSSH_* and flags: precedence, every kind of value, and errors that name the setting and source. */
class SettingSourcesTest {

    @TempDir
    Path dir;

    private record Result(int status, String output) {
    }

    /** Parses like the real command line and returns the settings, without starting anything. */
    private RelayConfig settings(Map<String, String> environment, String... args) throws Exception {
        CommandLine commandLine = NuttsshCommand.commandLine(new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8), environment);
        commandLine.parseArgs(args);
        return ((NuttsshCommand) commandLine.getCommand()).relayConfig();
    }

    /** Runs the command line; every case here fails before anything would listen. */
    private Result run(Map<String, String> environment, String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream console = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        int status = NuttsshCommand.commandLine(console, environment).execute(args);
        return new Result(status, bytes.toString(StandardCharsets.UTF_8));
    }

    private Path file(String yaml) throws Exception {
        Path file = dir.resolve("nuttssh.yaml");
        Files.writeString(file, yaml, StandardCharsets.UTF_8);
        return file;
    }

    @Test
    void flagBeatsEnvironmentBeatsFileBeatsDefault() throws Exception {
        Path file = file("port: 2000\n");
        Map<String, String> environment = Map.of("NUTTSSH_PORT", "3000");

        assertEquals(4000, settings(environment, "--config", file.toString(), "--port", "4000").port());
        assertEquals(3000, settings(environment, "--config", file.toString()).port());
        assertEquals(2000, settings(Map.of(), "--config", file.toString()).port());
        assertEquals(RelayConfig.DEFAULT_PORT, settings(Map.of()).port());
    }

    @Test
    void everyKindOfValueComesFromTheFile() throws Exception {
        Path file = file("""
                bind: 127.0.0.2
                host-key: /etc/nuttssh/key
                use-dns: true
                log-format: JSON
                keepalive-interval: 10
                max-connections: 100
                max-connection-rate: 5
                login-timeout: 7
                max-auth-attempts: 3
                max-listeners-per-client: 4
                max-circuits-per-client: 50
                max-memory: 1G
                metrics-port: 9100
                shutdown-grace: 12
                cluster: true
                cluster-members: [10.0.0.1, "10.0.0.2:5702"]
                cluster-tls-cert: /etc/nuttssh/certs/relay1.crt
                cluster-tls-key: /etc/nuttssh/certs/relay1.key
                cluster-tls-ca: /etc/nuttssh/certs/ca.crt
                cluster-secret: /etc/nuttssh/certs/cluster.secret
                """);
        CommandLine commandLine = NuttsshCommand.commandLine(System.err, Map.of());
        commandLine.parseArgs("--config", file.toString());
        NuttsshCommand main = commandLine.getCommand();
        RelayConfig config = main.relayConfig();

        assertEquals("127.0.0.2", config.bind());
        assertEquals(Path.of("/etc/nuttssh/key"), config.hostKey());
        assertTrue(config.useDns());
        assertEquals(LogFormat.json, main.logFormat);
        assertEquals(Duration.ofSeconds(10), config.keepAliveInterval());
        assertEquals(100, config.limits().maxConnections());
        assertEquals(5, config.limits().maxConnectionRate());
        assertEquals(Duration.ofSeconds(7), config.limits().loginTimeout());
        assertEquals(3, config.limits().maxAuthAttempts());
        assertEquals(4, config.limits().maxListenersPerClient());
        assertEquals(50, config.limits().maxCircuitsPerClient());
        assertEquals(1L << 30, config.limits().maxMemory());
        assertEquals(9100, config.metrics().port());
        assertEquals(Duration.ofSeconds(12), config.shutdownGrace());
        assertEquals(List.of("10.0.0.1", "10.0.0.2:5702"), config.cluster().members());
        assertEquals(new ClusterConfig.Secure(new ClusterConfig.ClusterTls(Path.of("/etc/nuttssh/certs/relay1.crt"),
                Path.of("/etc/nuttssh/certs/relay1.key"), Path.of("/etc/nuttssh/certs/ca.crt")),
                Path.of("/etc/nuttssh/certs/cluster.secret")), config.cluster().security());
    }

    @Test
    void environmentNamesAreUpperCaseWithUnderscores() throws Exception {
        RelayConfig config = settings(Map.of("NUTTSSH_HOST_KEY", "/k", "NUTTSSH_CLUSTER", "true",
                "NUTTSSH_CLUSTER_MEMBERS", "a,b:5702", "NUTTSSH_CLUSTER_INSECURE", "true",
                "NUTTSSH_MAX_CIRCUITS_PER_CLIENT", "9"));

        assertEquals(Path.of("/k"), config.hostKey());
        assertEquals(List.of("a", "b:5702"), config.cluster().members());
        assertEquals(new ClusterConfig.Insecure(), config.cluster().security());
        assertEquals(9, config.limits().maxCircuitsPerClient());
    }

    @Test
    void theHardeningSettingsComeFromTheFileAndTheEnvironment() throws Exception {
        Path file = file("""
                proxy-protocol: true
                proxy-protocol-from: [10.0.0.5, 10.1.0.0/24]
                max-startups: 100:50:200
                """);
        RelayConfig fromFile = settings(Map.of(), "--config", file.toString());
        assertEquals(List.of("10.0.0.5", "10.1.0.0/24"),
                fromFile.proxyProtocolFrom().stream().map(Object::toString).toList());
        assertEquals(new MaxStartups(100, 50, 200), fromFile.limits().maxStartups());
        assertTrue(fromFile.reservedNames());

        RelayConfig fromEnvironment = settings(Map.of("NUTTSSH_PROXY_PROTOCOL", "true",
                "NUTTSSH_PROXY_PROTOCOL_FROM", "192.0.2.1,2001:db8::/32", "NUTTSSH_RESERVED_NAMES", "false",
                "NUTTSSH_MAX_STARTUPS", "0", "NUTTSSH_MAX_STARTUPS_PER_SOURCE", "7",
                "NUTTSSH_MAX_SESSIONS_PER_CONNECTION", "3", "NUTTSSH_MAX_CHANNELS_PER_CONNECTION", "30"));
        assertEquals(List.of("192.0.2.1", "2001:db8::/32"),
                fromEnvironment.proxyProtocolFrom().stream().map(Object::toString).toList());
        assertFalse(fromEnvironment.reservedNames());
        assertFalse(fromEnvironment.limits().maxStartups().isLimited());
        assertEquals(7, fromEnvironment.limits().maxStartupsPerSource());
        assertEquals(3, fromEnvironment.limits().maxSessionsPerConnection());
        assertEquals(30, fromEnvironment.limits().maxChannelsPerConnection());
    }

    @Test
    void theCertificateSettingsComeFromEverySource() throws Exception {
        assertEquals(CertificateConfig.DEFAULT, settings(Map.of()).certificates());
        Path file = file("""
                revoked-keys: /etc/nuttssh/revoked.krl
                disconnect-expired-certificates: false
                """);
        assertEquals(new CertificateConfig(Path.of("/etc/nuttssh/revoked.krl"), false, null),
                settings(Map.of(), "--config", file.toString()).certificates());
        assertEquals(new CertificateConfig(null, false, Path.of("/h-cert.pub")),
                settings(Map.of("NUTTSSH_HOST_CERTIFICATE", "/h-cert.pub",
                        "NUTTSSH_DISCONNECT_EXPIRED_CERTIFICATES", "false")).certificates());
        assertEquals(new CertificateConfig(Path.of("/r"), true, null), settings(Map.of(), "--config", file.toString(),
                "--revoked-keys", "/r", "--disconnect-expired-certificates").certificates());
    }

    @Test
    void thePenaltySettingsComeFromEverySource() throws Exception {
        assertEquals(PerSourcePenalties.parse("", List.of()), settings(Map.of()).perSourcePenalties());
        Path file = file("""
                per-source-penalties: [authfail:2s, min:5s, max:30s]
                per-source-penalty-exempt: [192.0.2.7, 10.0.0.0/8]
                """);
        RelayConfig fromFile = settings(Map.of(), "--config", file.toString());
        assertEquals(PerSourcePenalties.parse("authfail:2s,min:5s,max:30s", List.of("192.0.2.7", "10.0.0.0/8")),
                fromFile.perSourcePenalties());
        assertEquals(PerSourcePenalties.OFF, settings(Map.of("NUTTSSH_PER_SOURCE_PENALTIES", "off"), "--config",
                file.toString()).perSourcePenalties());
        assertEquals(List.of("2001:db8::/32"), settings(Map.of(), "--per-source-penalty-exempt", "2001:db8::/32")
                .perSourcePenalties().exempt().stream().map(Object::toString).toList());

        Result bad = run(Map.of("NUTTSSH_PER_SOURCE_PENALTIES", "authfail:5x"));
        assertEquals(1, bad.status());
        assertTrue(bad.output().startsWith("nuttssh: per-source-penalties: 'authfail:5x' from "
                + "NUTTSSH_PER_SOURCE_PENALTIES (expected: off, or comma-separated KEY:VALUE items"), bad.output());
        Result badExempt = run(Map.of(), "--config", file("per-source-penalty-exempt: [10.0.0.300]\n").toString());
        assertEquals(1, badExempt.status());
        assertTrue(badExempt.output().startsWith("nuttssh: per-source-penalty-exempt: '10.0.0.300' from "),
                badExempt.output());
    }

    @Test
    void thePresenceSettingsComeFromEverySource() throws Exception {
        assertEquals(PresenceConfig.DEFAULT, settings(Map.of()).presence());
        assertEquals(new PresenceConfig(Duration.ofDays(30), 50_000), settings(Map.of()).presence());
        Path file = file("presence-retention: 12h\npresence-max-entries: 500\n");
        assertEquals(new PresenceConfig(Duration.ofHours(12), 500), settings(Map.of(), "--config", file.toString())
                .presence());
        assertEquals(Duration.ofMinutes(90), settings(Map.of("NUTTSSH_PRESENCE_RETENTION", "90m"), "--config",
                file.toString()).presence().retention());

        Result bad = run(Map.of("NUTTSSH_PRESENCE_RETENTION", "30"));
        assertEquals(1, bad.status());
        assertEquals("nuttssh: presence-retention: '30' from NUTTSSH_PRESENCE_RETENTION (expected: a number with d, h, "
                + "m or s, e.g. 30d, from 1m to 3650d)\n", bad.output());
        Result tooShort = run(Map.of(), "--presence-retention", "59s");
        assertTrue(tooShort.output().contains("presence-retention: '59s' from --presence-retention (expected: "),
                tooShort.output());
        Result none = run(Map.of(), "--config", file("presence-max-entries: 0\n").toString());
        assertEquals(1, none.status());
        assertTrue(none.output().contains("presence-max-entries: '0' from "), none.output());
    }

    @Test
    void theConfigFileItselfMayComeFromTheEnvironment() throws Exception {
        Path file = file("keepalive-count: 7\n");
        assertEquals(7, settings(Map.of("NUTTSSH_CONFIG", file.toString())).keepAliveCount());
    }

    @Test
    void aBooleanFlagCanTurnOffWhatTheEnvironmentTurnedOn() throws Exception {
        assertTrue(settings(Map.of("NUTTSSH_USE_DNS", "true")).useDns());
        assertFalse(settings(Map.of("NUTTSSH_USE_DNS", "true"), "--use-dns=false").useDns());
        assertTrue(settings(Map.of(), "--use-dns").useDns());
    }

    @Test
    void anEmptyVariableCountsAsUnset() throws Exception {
        assertEquals(RelayConfig.DEFAULT_PORT, settings(Map.of("NUTTSSH_PORT", "")).port());
    }

    @Test
    void metricsAreOffUnlessAPortIsGiven() throws Exception {
        assertNull(settings(Map.of()).metrics());
    }

    @Test
    void aValueOfTheWrongTypeNamesTheSettingAndTheVariable() {
        Result result = run(Map.of("NUTTSSH_PORT", "abc"));
        assertEquals(1, result.status());
        assertEquals("nuttssh: port: 'abc' from NUTTSSH_PORT (expected: a whole number)\n", result.output());
    }

    @Test
    void anOutOfRangeValueNamesTheFileAndLine() throws Exception {
        Path file = file("# relay\nport: 70000\n");
        Result result = run(Map.of(), "--config", file.toString());
        assertEquals(1, result.status());
        assertEquals("nuttssh: port: '70000' from " + file + ":2 (expected: 0-65535)\n", result.output());
    }

    @Test
    void aRangeErrorInTheEnvironmentNamesTheVariable() {
        Result result = run(Map.of("NUTTSSH_MAX_CONNECTIONS", "-1"));
        assertEquals(1, result.status());
        assertTrue(result.output().contains("max-connections: '-1' from NUTTSSH_MAX_CONNECTIONS (expected: 0 (no "
                + "limit) or more)"), result.output());
    }

    @Test
    void aMemorySizeIsWrittenLikeXmxAndHasAFloor() throws Exception {
        assertEquals(512L << 20, settings(Map.of("NUTTSSH_MAX_MEMORY", "512m")).limits().maxMemory());
        assertEquals(96L << 20, settings(Map.of(), "--max-memory", "98304k").limits().maxMemory());
        assertEquals(256L << 20, settings(Map.of()).limits().maxMemory());
        for (String bad : List.of("512mb", "-1g", "1.5g", "63m", "99999999999g")) {
            Result result = run(Map.of("NUTTSSH_MAX_MEMORY", bad));
            assertEquals(1, result.status(), bad);
            assertEquals("nuttssh: max-memory: '" + bad + "' from NUTTSSH_MAX_MEMORY (expected: a size such as 512m "
                    + "or 2g, at least 64m)\n", result.output());
        }
    }

    @Test
    void yamlBooleansOtherThanTrueAndFalseAreRefused() throws Exception {
        Path file = file("use-dns: yes\n");
        Result result = run(Map.of(), "--config", file.toString());
        assertEquals(1, result.status());
        assertTrue(result.output().contains("use-dns: 'yes' from " + file + ":1 (expected: true or false)"),
                result.output());
    }

    @Test
    void anUnknownChoiceListsTheChoices() {
        Result result = run(Map.of("NUTTSSH_LOG_FORMAT", "xml"));
        assertEquals(1, result.status());
        assertTrue(result.output().contains("log-format: 'xml' from NUTTSSH_LOG_FORMAT (expected: one of text, json)"),
                result.output());
    }

    @Test
    void anUnknownSettingInTheFileIsRefusedWithTheKnownOnes() throws Exception {
        Path file = file("port: 22\nprot: 22\n");
        Result result = run(Map.of(), "--config", file.toString());
        assertEquals(1, result.status());
        assertTrue(result.output().startsWith("nuttssh: " + file + ":2: 'prot' is not a setting (expected: one of "),
                result.output());
        assertTrue(result.output().contains("authorized-keys"), result.output());
    }

    @Test
    void aNestedValueOrADuplicateIsRefused() throws Exception {
        Path nested = file("bind:\n  address: 1.2.3.4\n");
        assertTrue(run(Map.of(), "--config", nested.toString()).output()
                .contains("bind: '{...}' from " + nested + ":1 (expected: a value, or a list of values)"));

        Path twice = file("port: 1\nport: 2\n");
        assertTrue(run(Map.of(), "--config", twice.toString()).output()
                .contains(twice + ":2: 'port' is set twice (first at " + twice + ":1)"));
    }

    @Test
    void brokenYamlAndMissingFilesAreNamed() throws Exception {
        Path broken = file("port: [1878\n");
        Result result = run(Map.of(), "--config", broken.toString());
        assertEquals(1, result.status());
        assertTrue(result.output().startsWith("nuttssh: " + broken + ":"), result.output());
        assertTrue(result.output().contains("not valid YAML"), result.output());

        Path missing = dir.resolve("absent.yaml");
        Result absent = run(Map.of(), "--config", missing.toString());
        assertEquals(1, absent.status());
        assertEquals("nuttssh: config file " + missing + " not found\n", absent.output());
    }

    @Test
    void variablesNamingNoSettingAreReported() {
        CommandLine commandLine = NuttsshCommand.commandLine(System.err, Map.of("NUTTSSH_PROT", "22", "NUTTSSH_PORT", "2222",
                "NUTTSSH_CONFIG", ""));
        commandLine.parseArgs();
        assertEquals(List.of("NUTTSSH_PROT"), ((NuttsshCommand) commandLine.getCommand()).unknownVariables());
    }

    @Test
    void theExampleConfigFileInDocsIsValid() throws Exception {
        RelayConfig config = settings(Map.of(), "--config", Path.of("docs/nuttssh.yaml").toString());
        assertEquals(RelayConfig.DEFAULT_PORT, config.port());
        assertEquals(Path.of("/etc/nuttssh/authorized_keys"), config.authorizedKeys());
        assertEquals(9878, config.metrics().port());
    }

    @Test
    void theEventWebhookIsAnHttpUrlWithAHost() throws Exception {
        assertEquals(URI.create("http://127.0.0.1:8080/hook"),
                settings(Map.of("NUTTSSH_EVENT_WEBHOOK", "http://127.0.0.1:8080/hook")).eventWebhook());
        assertNull(settings(Map.of()).eventWebhook());
        for (String bad : List.of("ftp://example.com/x", "hooks.example.com/nuttssh", "http:///nohost",
                "https://user:secret@example.com/", "http://exa mple.com/")) {
            Result result = run(Map.of("NUTTSSH_EVENT_WEBHOOK", bad));
            assertEquals(1, result.status(), bad);
            assertTrue(result.output().startsWith("nuttssh: event-webhook: '" + bad + "' from NUTTSSH_EVENT_WEBHOOK "
                    + "(expected: an http:// or https:// URL with a host"), result.output());
        }
    }
}

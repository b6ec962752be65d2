package org.nuttssh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.nuttssh.testing.SshKeygen;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --init} on a machine with nothing but the user's SSH key: it creates the files and the relay works. */
class FirstRunTest {

    private static final Pattern READY = Pattern.compile("ready on port (\\d+)");

    @TempDir
    Path dir;

    @Test
    void initCreatesMissingFilesOnceAndStartsAWorkingRelay() throws Exception {
        Path home = Files.createDirectories(dir.resolve("home/.ssh")).getParent();
        Path userKey = new SshKeygen(home.resolve(".ssh")).key("id_ed25519");
        Path hostKey = dir.resolve("ssh_host_key");
        Path authorizedKeys = dir.resolve("authorized_keys");

        String output = startAndList(home, hostKey, authorizedKeys, userKey);
        assertTrue(output.contains("created host key " + hostKey), output);
        assertTrue(output.contains("created " + authorizedKeys + " with your key"), output);
        assertTrue(Files.readString(authorizedKeys).contains("access=\"listen\",access=\"initiate\" ssh-ed25519 "));

        String hostKeyBefore = Files.readString(hostKey);
        String again = startAndList(home, hostKey, authorizedKeys, userKey);
        assertTrue(!again.contains("created"), "existing files are kept: " + again);
        assertEquals(hostKeyBefore, Files.readString(hostKey));
    }

    /** Starts {@code nuttssh --init}, runs {@code ssh relay list} with the user's key, stops it; returns its output. */
    private String startAndList(Path home, Path hostKey, Path authorizedKeys, Path userKey) throws Exception {
        Process relay = new ProcessBuilder("java", "-Duser.home=" + home, "-cp", System.getProperty("java.class.path"),
                "org.nuttssh.cli.Main", "--init", "--bind", "127.0.0.1", "--port", "0",
                "--host-key", hostKey.toString(), "--authorized-keys", authorizedKeys.toString())
                .redirectErrorStream(true).start();
        StringBuilder output = new StringBuilder();
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(relay.getInputStream(), StandardCharsets.UTF_8))) {
            int port = -1;
            for (String line; port < 0 && (line = lines.readLine()) != null; ) {
                output.append(line).append('\n');
                Matcher ready = READY.matcher(line);
                if (ready.find()) {
                    port = Integer.parseInt(ready.group(1));
                }
            }
            assertTrue(port > 0, "relay did not start: " + output);
            Process list = new ProcessBuilder("ssh", "-F", "/dev/null", "-o", "StrictHostKeyChecking=no",
                    "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes",
                    "-i", userKey.toString(), "-p", String.valueOf(port), "127.0.0.1", "list")
                    .redirectErrorStream(true).start();
            String listed = new String(list.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(list.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, list.exitValue(), listed);
            assertTrue(listed.contains("no listening clients"), listed);
        } finally {
            relay.destroy();
            relay.waitFor(10, TimeUnit.SECONDS);
        }
        return output.toString();
    }
}

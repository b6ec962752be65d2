package org.nuttssh.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.vertx.core.json.JsonObject;

/**
 * contrib/ansible/nuttssh_inventory.py with Debian's ansible-core: three real sshd devices behind the relay as
 * listening clients, reached by ansible's ssh through the relay with the host vars the inventory gives them.
 */
class AnsibleInventoryTest {

    private static final Path INVENTORY = Path.of("contrib/ansible/nuttssh_inventory.py").toAbsolutePath();
    private static final List<String> DEVICES = List.of("web-1", "web-2", "db-1");

    @RegisterExtension
    final RelayFixture relay = new RelayFixture();

    @BeforeEach
    void start() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/ansible")) || System.getenv("CI") != null,
                "ansible-core is not installed");
        relay.start("access=\"listen\" {gw}", "access=\"initiate\" {alice}");
        for (String device : DEVICES) {
            int port = Sshd.start(relay, device, relay.publicKey("alice"));
            relay.listener("gw", device, device, "22:localhost:" + port);
        }
    }

    @Test
    void listGroupsTheDevicesByPrefixAndNodeWithHostVarsThroughTheRelay() throws Exception {
        Result list = run(List.of(INVENTORY.toString(), "--list"), inventoryEnvironment());
        assertEquals(0, list.status(), list.output());
        JsonObject inventory = new JsonObject(list.output());
        assertEquals(List.of("web-1", "web-2"), inventory.getJsonObject("web").getJsonArray("hosts").getList());
        assertEquals(List.of("db-1"), inventory.getJsonObject("db").getJsonArray("hosts").getList());
        String node = "node_" + relay.server().nodeId().shortId().replaceAll("[^A-Za-z0-9_]", "_");
        assertEquals(DEVICES.stream().sorted().toList(),
                inventory.getJsonObject(node).getJsonArray("hosts").getList().stream().sorted().toList(), list.output());
        JsonObject web1 = inventory.getJsonObject("_meta").getJsonObject("hostvars").getJsonObject("web-1");
        assertEquals(22, web1.getInteger("ansible_port"));
        assertTrue(web1.getString("ansible_ssh_common_args").contains("-W %h:%p relay-alice"), web1.encode());

        Result host = run(List.of(INVENTORY.toString(), "--host", "db-1"), inventoryEnvironment());
        assertEquals(0, host.status(), host.output());
        assertEquals("db-1", new JsonObject(host.output()).getString("ansible_host"));
    }

    @Test
    void aRelayThatCannotBeReachedIsAClearError() throws Exception {
        Map<String, String> environment = inventoryEnvironment();
        environment.put("NUTTSSH_SSH_ARGS", "-F " + relay.sshConfig() + " -p 1");
        Result unreachable = run(List.of(INVENTORY.toString(), "--list"), environment);
        assertEquals(1, unreachable.status());
        assertTrue(unreachable.output().startsWith("nuttssh_inventory: 'ssh -o BatchMode=yes -F "), unreachable.output());
        assertTrue(unreachable.output().contains("failed (exit 255)"), unreachable.output());

        environment.remove("NUTTSSH_RELAY");
        Result unset = run(List.of(INVENTORY.toString(), "--list"), environment);
        assertEquals(1, unset.status());
        assertTrue(unset.output().startsWith("nuttssh_inventory: NUTTSSH_RELAY is not set"), unset.output());
    }

    @Test
    void ansiblePingsAndRunsAPlaybookOnEveryDeviceThroughTheRelay() throws Exception {
        Result ping = run(ansible("ansible", "all", "-m", "ping"), ansibleEnvironment());
        assertEquals(0, ping.status(), ping.output());
        for (String device : DEVICES) {
            assertTrue(ping.output().contains(device + " | SUCCESS"), ping.output());
        }

        Path playbook = relay.dir().resolve("playbook.yml");
        Files.writeString(playbook, """
                - hosts: all
                  gather_facts: false
                  tasks:
                    - copy:
                        dest: "%s/written-by-{{ inventory_hostname }}"
                        content: "hello from {{ inventory_hostname }} in {{ group_names | sort | join(',') }}\\n"
                    - slurp:
                        src: "%s/written-by-{{ inventory_hostname }}"
                      register: back
                    - assert:
                        that: "(back.content | b64decode) is match('hello from ' + inventory_hostname)"
                """.formatted(relay.dir(), relay.dir()), StandardCharsets.UTF_8);
        Result play = run(ansible("ansible-playbook", playbook.toString()), ansibleEnvironment());
        assertEquals(0, play.status(), play.output());
        for (String device : DEVICES) {
            assertTrue(play.output().matches("(?s).*" + device + " +: ok=3 .*failed=0 .*"), play.output());
            assertTrue(Files.readString(relay.dir().resolve("written-by-" + device))
                    .startsWith("hello from " + device + " in "));
        }
    }

    /** {@code COMMAND -i inventory ARGS...} as alice, the user the devices' sshd let in. */
    private List<String> ansible(String command, String... args) throws Exception {
        List<String> line = new ArrayList<>(List.of(command, "-i", INVENTORY.toString(), "-u",
                System.getProperty("user.name"), "--private-key", relay.key("alice").toString()));
        line.addAll(List.of(args));
        return line;
    }

    private Map<String, String> inventoryEnvironment() {
        Map<String, String> environment = new HashMap<>();
        environment.put("NUTTSSH_RELAY", "relay-alice");
        environment.put("NUTTSSH_SSH_ARGS", "-F " + relay.sshConfig());
        return environment;
    }

    /** Ansible's own files in the test's directory, and no host key checks for the throwaway devices. */
    private Map<String, String> ansibleEnvironment() {
        Map<String, String> environment = inventoryEnvironment();
        environment.put("ANSIBLE_HOME", relay.dir().resolve("ansible").toString());
        environment.put("ANSIBLE_LOCAL_TEMP", relay.dir().resolve("ansible-local").toString());
        environment.put("ANSIBLE_REMOTE_TEMP", relay.dir().resolve("ansible-remote").toString());
        environment.put("ANSIBLE_HOST_KEY_CHECKING", "False");
        environment.put("ANSIBLE_PYTHON_INTERPRETER", "/usr/bin/python3");
        environment.put("ANSIBLE_SSH_ARGS", "-o ControlMaster=no -o UserKnownHostsFile=/dev/null"
                + " -o GlobalKnownHostsFile=/dev/null -o IdentitiesOnly=yes -o BatchMode=yes");
        environment.put("ANSIBLE_NOCOLOR", "1");
        return environment;
    }

    private record Result(int status, String output) {
    }

    /** Runs to its end; stdout, with stderr after it. */
    private Result run(List<String> command, Map<String, String> environment) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).directory(relay.dir().toFile());
        builder.environment().putAll(environment);
        Path stdout = relay.dir().resolve("stdout");
        Path stderr = relay.dir().resolve("stderr");
        Process process = builder.redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        if (!process.waitFor(2 * RelayFixture.TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(command + " did not finish: " + Files.readString(stdout)
                    + Files.readString(stderr));
        }
        return new Result(process.exitValue(), Files.readString(stdout) + Files.readString(stderr));
    }
}

package org.nuttssh.it;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.nuttssh.testing.FreePorts;

/**
 * Where a test's relay nodes and clients run: on this host's loopback, or each node in a Linux network namespace of
 * its own, joined by a bridge in a "hub" namespace where the clients (and HAProxy) run, so that the test can cut a
 * node off with nftables and heal it again. Namespaces use addresses from 198.18.0.0/15, the benchmarking range, and
 * exist only inside them; the host's own interfaces are never touched.
 */
interface ClusterNetwork extends AutoCloseable {

    /** The address node {@code n} (1-based) listens on, for clients and for the other nodes. */
    String host(int n);

    /** The Hazelcast port of node {@code n}; the event bus picks its own. */
    int hazelcastPort(int n);

    /** A node's command, run where the node lives. */
    List<String> onNode(int n, List<String> command);

    /** A client's command (ssh, autossh, HAProxy, targets), run where clients live. */
    List<String> onClients(List<String> command);

    /** A free port where clients live. */
    int freeClientPort() throws IOException;

    @Override
    void close();

    /** All on loopback: nodes differ by port. A pause (SIGSTOP) needs nothing more. */
    final class Loopback implements ClusterNetwork {
        private final int hazelcastBase = freeHazelcastBase();

        @Override
        public String host(int n) {
            return "127.0.0.1";
        }

        @Override
        public int hazelcastPort(int n) {
            return hazelcastBase + n - 1;
        }

        @Override
        public List<String> onNode(int n, List<String> command) {
            return command;
        }

        @Override
        public List<String> onClients(List<String> command) {
            return command;
        }

        @Override
        public int freeClientPort() throws IOException {
            return FreePorts.tcp();
        }

        @Override
        public void close() {
            // Nothing was made.
        }

        /**
         * A first Hazelcast port with the two after it free on every address, below the kernel's ephemeral range so
         * that no outgoing connection takes one meanwhile.
         */
        static int freeHazelcastBase() {
            for (int attempt = 0; attempt < 100; attempt++) {
                int base = ThreadLocalRandom.current().nextInt(20000, 30000);
                if (free(base) && free(base + 1) && free(base + 2)) {
                    return base;
                }
            }
            throw new IllegalStateException("no three consecutive free ports between 20000 and 30000");
        }

        private static boolean free(int port) {
            try (ServerSocket socket = new ServerSocket(port)) {
                return true;
            } catch (IOException e) {
                return false;
            }
        }
    }

    /**
     * One namespace per node, plus the hub with the bridge, the clients and HAProxy. Node {@code n} is
     * {@code 198.18.0.(10+n)}; the hub is {@code 198.18.0.1}. Needs root and iproute2; cutting needs nftables.
     */
    final class Namespaces implements ClusterNetwork {
        private static final String SUBNET_PREFIX = "198.18.0.";
        private static final String CUT_TABLE = "nuttssh_cut";
        private final String prefix = "nut" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xffff));
        private final int nodes;
        private final List<String> made = new ArrayList<>();

        Namespaces(int nodes) throws IOException, InterruptedException {
            this.nodes = nodes;
            try {
                namespace(hub());
                run("ip", "netns", "exec", hub(), "ip", "link", "add", "br0", "type", "bridge");
                run("ip", "netns", "exec", hub(), "ip", "addr", "add", SUBNET_PREFIX + "1/24", "dev", "br0");
                run("ip", "netns", "exec", hub(), "ip", "link", "set", "br0", "up");
                for (int n = 1; n <= nodes; n++) {
                    String node = node(n);
                    namespace(node);
                    // A veth pair: one end on the hub's bridge, the other in the node's namespace.
                    run("ip", "link", "add", prefix + "h" + n, "type", "veth", "peer", "name", prefix + "n" + n);
                    run("ip", "link", "set", prefix + "h" + n, "netns", hub());
                    run("ip", "link", "set", prefix + "n" + n, "netns", node);
                    run("ip", "netns", "exec", hub(), "ip", "link", "set", prefix + "h" + n, "master", "br0");
                    run("ip", "netns", "exec", hub(), "ip", "link", "set", prefix + "h" + n, "up");
                    run("ip", "netns", "exec", node, "ip", "addr", "add", host(n) + "/24", "dev", prefix + "n" + n);
                    run("ip", "netns", "exec", node, "ip", "link", "set", prefix + "n" + n, "up");
                }
            } catch (IOException | InterruptedException | RuntimeException e) {
                close();
                throw e;
            }
        }

        /** Whether namespaces can be made here: root, iproute2 and nftables. */
        static String unavailableBecause() {
            try {
                String name = "nutprobe" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xffff));
                run("ip", "netns", "add", name);
                try {
                    run("ip", "netns", "exec", name, "nft", "list", "tables");
                } finally {
                    run("ip", "netns", "del", name);
                }
                return null;
            } catch (IOException | RuntimeException | InterruptedException e) {
                return "network namespaces cannot be made here (needs root, iproute2 and nftables): " + e.getMessage();
            }
        }

        private String hub() {
            return prefix + "-hub";
        }

        private String node(int n) {
            return prefix + "-n" + n;
        }

        private void namespace(String name) throws IOException, InterruptedException {
            run("ip", "netns", "add", name);
            made.add(name);
            run("ip", "netns", "exec", name, "ip", "link", "set", "lo", "up");
        }

        @Override
        public String host(int n) {
            return SUBNET_PREFIX + (10 + n);
        }

        @Override
        public int hazelcastPort(int n) {
            return 5701;
        }

        @Override
        public List<String> onNode(int n, List<String> command) {
            List<String> wrapped = new ArrayList<>(List.of("ip", "netns", "exec", node(n)));
            wrapped.addAll(command);
            return wrapped;
        }

        @Override
        public List<String> onClients(List<String> command) {
            List<String> wrapped = new ArrayList<>(List.of("ip", "netns", "exec", hub()));
            wrapped.addAll(command);
            return wrapped;
        }

        @Override
        public int freeClientPort() {
            return ThreadLocalRandom.current().nextInt(20000, 30000); // a fresh namespace: everything is free
        }

        /** Node {@code n} no longer reaches the other nodes, nor they it; clients still reach every node. */
        void cut(int n) throws IOException, InterruptedException {
            StringBuilder others = new StringBuilder();
            for (int other = 1; other <= nodes; other++) {
                if (other != n) {
                    others.append(others.length() == 0 ? "" : ", ").append(host(other));
                }
            }
            String rules = """
                    table inet %1$s {
                      chain input { type filter hook input priority 0; ip saddr { %2$s } drop; }
                      chain output { type filter hook output priority 0; ip daddr { %2$s } drop; }
                    }
                    """.formatted(CUT_TABLE, others);
            Process nft = new ProcessBuilder("ip", "netns", "exec", node(n), "nft", "-f", "-")
                    .redirectErrorStream(true).start();
            nft.getOutputStream().write(rules.getBytes(StandardCharsets.UTF_8));
            nft.getOutputStream().close();
            String output = new String(nft.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!nft.waitFor(10, TimeUnit.SECONDS) || nft.exitValue() != 0) {
                throw new IOException("nft failed: " + output);
            }
        }

        void heal(int n) throws IOException, InterruptedException {
            run("ip", "netns", "exec", node(n), "nft", "delete", "table", "inet", CUT_TABLE);
        }

        @Override
        public void close() {
            for (int i = made.size() - 1; i >= 0; i--) {
                try {
                    run("ip", "netns", "del", made.get(i)); // takes its veth ends with it
                } catch (IOException | RuntimeException e) {
                    // Keep removing the others.
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            made.clear();
        }

        private static void run(String... command) throws IOException, InterruptedException {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + output.trim());
            }
        }
    }
}

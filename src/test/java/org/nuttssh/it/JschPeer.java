package org.nuttssh.it;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

import com.jcraft.jsch.ChannelDirectTCPIP;
import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.HostKey;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.Session;

/**
 * JSch (the client of Java tools such as Jenkins) as a relay client, in a JVM of its own like the other clients of
 * {@link FieldClients}; the same modes and arguments as {@code peers/paramiko_peer.py}: {@code HOST PORT USER KEY
 * HOST_KEY_PUB} then {@code listen VIRTUAL_PORT TARGET_PORT}, {@code open NAME:PORT} or {@code run COMMAND}.
 */
public final class JschPeer {

    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;
    private static final int POLL_MILLIS = 50;
    private static final int BUFFER_SIZE = 32 * 1024;

    private JschPeer() {
    }

    public static void main(String[] args) throws Exception {
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        JSch jsch = new JSch();
        jsch.addIdentity(args[3]);
        String[] hostKey = Files.readString(Path.of(args[4])).trim().split("\\s+");
        String knownAs = port == 22 ? host : "[" + host + "]:" + port;
        jsch.getHostKeyRepository().add(new HostKey(knownAs, Base64.getDecoder().decode(hostKey[1])), null);
        Session session = jsch.getSession(args[2], host, port);
        session.setConfig("StrictHostKeyChecking", "yes");
        session.connect(CONNECT_TIMEOUT_MILLIS);
        int status = 0;
        try {
            switch (args[5]) {
                case "listen" -> listen(session, Integer.parseInt(args[6]), Integer.parseInt(args[7]));
                case "open" -> open(session, args[6]);
                default -> status = run(session, args[6]);
            }
        } finally {
            session.disconnect();
        }
        System.exit(status);
    }

    private static void listen(Session session, int virtualPort, int targetPort) throws Exception {
        session.setPortForwardingR("localhost", virtualPort, "127.0.0.1", targetPort);
        System.out.println("listening");
        System.out.flush();
        while (session.isConnected()) {
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                // JSch wakes the thread that asked for the forward by interrupting it, at times after it returned.
            }
        }
    }

    /**
     * Writes what arrives straight to stdout from JSch's session thread, and pumps stdin into the channel's stream
     * itself. With {@code setInputStream}, JSch closes the channel as soon as its input ends, dropping whatever the
     * target still sends back; and a channel's own input stream is a pipe that JSch closes when the channel closes,
     * dropping what the reader had not taken yet.
     */
    private static void open(Session session, String target) throws Exception {
        int colon = target.lastIndexOf(':');
        ChannelDirectTCPIP channel = (ChannelDirectTCPIP) session.openChannel("direct-tcpip");
        channel.setHost(target.substring(0, colon));
        channel.setPort(Integer.parseInt(target.substring(colon + 1)));
        channel.setOutputStream(System.out, true);
        OutputStream toTarget = channel.getOutputStream();
        channel.connect(CONNECT_TIMEOUT_MILLIS);
        try (toTarget) { // closing it sends EOF
            byte[] buffer = new byte[BUFFER_SIZE];
            for (int n; (n = System.in.read(buffer)) >= 0; ) {
                toTarget.write(buffer, 0, n);
                toTarget.flush(); // JSch sends a packet only when full or flushed
            }
        }
        while (!channel.isClosed()) {
            Thread.sleep(POLL_MILLIS);
        }
        System.out.flush();
    }

    private static int run(Session session, String command) throws Exception {
        ChannelExec channel = (ChannelExec) session.openChannel("exec");
        channel.setCommand(command);
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        channel.setErrStream(errors, true);
        InputStream out = channel.getInputStream();
        channel.connect(CONNECT_TIMEOUT_MILLIS);
        OutputStream stdout = System.out;
        out.transferTo(stdout);
        while (!channel.isClosed()) {
            Thread.sleep(POLL_MILLIS);
        }
        stdout.flush();
        System.err.print(errors.toString(StandardCharsets.UTF_8));
        return channel.getExitStatus();
    }
}

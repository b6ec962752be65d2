package org.nuttssh.ssh;

import org.apache.sshd.server.SshServer;

/** MINA's server, plus a way to stop taking new connections while the ones open carry on (a graceful shutdown). */
final class RelaySshServer extends SshServer {

    /** Closes the listening socket: new connections are refused by the kernel, so a load balancer moves on at once. */
    void stopAccepting() {
        if (acceptor != null) {
            acceptor.unbind();
        }
    }
}

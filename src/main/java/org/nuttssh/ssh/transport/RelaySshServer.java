package org.nuttssh.ssh.transport;

import org.apache.sshd.common.io.IoSession;
import org.apache.sshd.common.session.helpers.SessionTimeoutListener;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.session.ServerSessionImpl;
import org.apache.sshd.server.session.SessionFactory;

/**
 * MINA's server with the relay's sessions ({@link RelayServerSession}), plus a way to stop taking new connections
 * while the ones open carry on (a graceful shutdown). Its timeout check lets logged-in sessions go
 * ({@link LoginTimeouts}).
 */
public final class RelaySshServer extends SshServer {

    /** Closes the listening socket: new connections are refused by the kernel, so a load balancer moves on at once. */
    public void stopAccepting() {
        if (acceptor != null) {
            acceptor.unbind();
        }
    }

    @Override
    protected SessionFactory createSessionFactory() {
        return new SessionFactory(this) {
            @Override
            protected ServerSessionImpl doCreateSession(IoSession io) throws Exception {
                return new RelayServerSession(getServer(), io);
            }
        };
    }

    @Override
    protected SessionTimeoutListener createSessionTimeoutListener() {
        return new LoginTimeouts(super.createSessionTimeoutListener());
    }
}

package org.nuttssh.ssh;

import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.session.Session;
import org.nuttssh.circuit.Switchboard;

/** Creates the initiator's end of each circuit. */
final class DirectTcpipChannelFactory implements ChannelFactory {

    private final Switchboard switchboard;

    DirectTcpipChannelFactory(Switchboard switchboard) {
        this.switchboard = switchboard;
    }

    @Override
    public String getName() {
        return "direct-tcpip";
    }

    @Override
    public Channel createChannel(Session session) {
        return new DirectTcpipChannel(switchboard);
    }
}

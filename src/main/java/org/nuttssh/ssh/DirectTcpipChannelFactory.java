package org.nuttssh.ssh;

import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.session.Session;
import org.nuttssh.circuit.Connector;

/** Creates the initiator's end of each circuit. */
final class DirectTcpipChannelFactory implements ChannelFactory {

    private final Connector switchboard;
    private final ForwardingPolicy policy;

    DirectTcpipChannelFactory(Connector switchboard, ForwardingPolicy policy) {
        this.switchboard = switchboard;
        this.policy = policy;
    }

    @Override
    public String getName() {
        return "direct-tcpip";
    }

    @Override
    public Channel createChannel(Session session) {
        return new DirectTcpipChannel(switchboard, policy);
    }
}

package org.nuttssh.ssh;

import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.session.Session;
import org.nuttssh.circuit.Switchboard;
import org.nuttssh.config.Limit;
import org.nuttssh.memory.MemoryGuard;
import org.nuttssh.metrics.Tally;

/** Creates the initiator's end of each circuit. */
final class DirectTcpipChannelFactory implements ChannelFactory {

    private final Switchboard switchboard;
    private final MemoryGuard memory;
    private final Tally<Limit> limitRefusals;

    DirectTcpipChannelFactory(Switchboard switchboard, MemoryGuard memory, Tally<Limit> limitRefusals) {
        this.switchboard = switchboard;
        this.memory = memory;
        this.limitRefusals = limitRefusals;
    }

    @Override
    public String getName() {
        return "direct-tcpip";
    }

    @Override
    public Channel createChannel(Session session) {
        return new DirectTcpipChannel(switchboard, memory, limitRefusals);
    }
}

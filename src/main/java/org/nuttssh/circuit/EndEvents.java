package org.nuttssh.circuit;

import org.apache.sshd.common.util.buffer.Buffer;
import org.nuttssh.memory.WindowAccount;

/**
 * What one end reports about its client to the circuit it is attached to. Each end gets its own, bound to its side,
 * so an end never needs to know the circuit or which side it is.
 */
public interface EndEvents {

    /** Bytes from this end's client; ownership of {@code data} passes to the circuit. */
    void onData(Buffer data);

    /** This end's client will send nothing more. */
    void onEof();

    /** This end is closed: nothing more can be delivered to it. */
    void onClosed();

    /** The window account of the circuit's other end, which pays for this end's bytes if its client is elsewhere. */
    WindowAccount joinedAccount();
}

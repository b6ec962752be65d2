package org.nuttssh.circuit;

import java.util.concurrent.CompletionStage;

import org.apache.sshd.common.util.buffer.Buffer;
import org.nuttssh.memory.WindowAccount;

/**
 * One side of a circuit: an SSH channel on this node, or (in a cluster) a channel on another node. The circuit
 * drives it; the end reports what its client does through the {@link EndEvents} it is attached to, starting only
 * after {@link #attach}.
 */
public interface CircuitEnd {

    /** Starts delivering this end's events to its circuit. */
    void attach(EndEvents events);

    /**
     * Sends bytes to this end's client. The circuit has at most one write outstanding per end; the stage completes
     * when the bytes have left this end, which is when the sender may be given the credit back.
     * Ownership of {@code data} passes to the end.
     */
    CompletionStage<Void> write(Buffer data);

    /**
     * The bytes this end's client sent have been delivered: let it send that many more (an SSH window adjust).
     *
     * @param moreWaiting whether more of this end's bytes wait to be delivered, so another release is sure to follow;
     *                    an end may then hold a small credit back and give it with the next one
     */
    void release(long bytes, boolean moreWaiting);

    /** Half-close: the other side will send nothing more. */
    void shutdownOutput();

    /** Closes this end; already-written bytes are still delivered. Idempotent. */
    void close();

    /** For logs: who this end is, e.g. {@code gw1:22} or {@code alice@127.0.0.1:50122}. */
    String describe();

    /**
     * The window account that pays, on this node, for what this end's client may send before the relay has passed
     * it on: its connection's, for a channel here. An end whose client is on another node has no connection here; it
     * charges the account of the end it is joined to ({@link EndEvents#joinedAccount()}) and answers with that.
     */
    WindowAccount account();
}

package org.nuttssh.ssh.transport;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.io.IoSession;
import org.apache.sshd.common.kex.KexProposalOption;
import org.apache.sshd.common.kex.KexState;
import org.apache.sshd.common.util.Readable;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.server.ServerFactoryManager;
import org.apache.sshd.server.session.ServerSessionImpl;
import org.slf4j.LoggerFactory;

/**
 * A server session whose first KEXINIT waits for the client's, so that it can offer just the cipher and MAC the
 * relay prefers of the client's ({@link ServerPreference}). RFC 4253 lets either side send KEXINIT first; every
 * client we know sends its own at once. One that waits for ours instead (MINA's client can be told to) gets the
 * relay's full lists after {@link #CLIENT_KEXINIT_WAIT}, and chooses as usual. It also notes what kind of packets
 * came in ({@link HeardFrom}), for the keepalive. Its packet decoder's buffer goes back to its starting size when the
 * connection goes quiet.
 */
final class RelayServerSession extends ServerSessionImpl implements HeardFrom {

    /** Far longer than a client takes to answer our identification with its KEXINIT (one round trip). */
    static final Duration CLIENT_KEXINIT_WAIT = Duration.ofMillis(500);

    /**
     * Stands in for both KEXINIT payloads between key exchanges. MINA keeps them (I_C and I_S of the exchange hash,
     * 1-2 KB, most of it the client's algorithm lists) for the session's life, though only a key exchange reads
     * them, and each exchange records its own; its setters take no null.
     */
    private static final byte[] NO_KEXINIT = {SshConstants.SSH_MSG_KEXINIT};

    private final AtomicBoolean firstKexInitSent = new AtomicBoolean();
    private volatile ScheduledFuture<?> fallback;
    /** {@link HeardFrom} bits: set on the I/O thread per packet, taken by the keepalive's timer. */
    private volatile int heard;

    private static final VarHandle HEARD;
    /**
     * The array of MINA's packet decoder buffer ({@code decoderBuffer}). MINA grows that buffer to the largest packet
     * read so far and never shrinks it: every session keeps 2 KiB for the client's KEXINIT. Its field is final and
     * the array private, without a setter, so it is swapped here (the relay runs MINA on the class path, where its
     * packages are open). A MINA that renamed the field leaves it null: sessions keep their grown buffers, as they
     * did before, and IdleConnectionTest fails.
     */
    private static final VarHandle DECODER_ARRAY;

    static {
        try {
            HEARD = MethodHandles.lookup().findVarHandle(RelayServerSession.class, "heard", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
        DECODER_ARRAY = decoderArray();
    }

    RelayServerSession(ServerFactoryManager server, IoSession io) throws Exception {
        super(server, io);
    }

    @Override
    protected void doHandleMessage(Buffer buffer) throws Exception {
        int command = buffer.rawByte(buffer.rpos()) & 0xFF;
        int kind = command == SshConstants.SSH_MSG_REQUEST_SUCCESS || command == SshConstants.SSH_MSG_REQUEST_FAILURE
                ? REPLY : OWN_PACKET;
        // Read first: the atomic update is needed only by the first packet of its kind in an interval.
        if ((heard & kind) == 0) {
            HEARD.getAndBitwiseOr(this, kind);
        }
        super.doHandleMessage(buffer);
    }

    /**
     * After a read of a keepalive's size (one that keeps the socket's read buffer small too,
     * {@link AdaptiveReadSession#IDLE_BUFFER}), the decoder's buffer goes back to the size it started at (MINA's
     * {@link ByteArrayBuffer#DEFAULT_SIZE}, 256 bytes), which such packets fit, if it grew larger and holds no more
     * than that. A connection in bulk, whose reads are larger, keeps its grown buffer.
     */
    @Override
    public void messageReceived(Readable buffer) throws Exception {
        boolean small = buffer.available() <= AdaptiveReadSession.IDLE_BUFFER;
        super.messageReceived(buffer); // decodes every whole packet and keeps the rest of one at the buffer's start
        if (small) {
            shrinkDecoder();
        }
    }

    /** The handle on the decoder buffer's array, or null (and said once) where this MINA has no such field. */
    private static VarHandle decoderArray() {
        try {
            return MethodHandles.privateLookupIn(ByteArrayBuffer.class, MethodHandles.lookup())
                    .findVarHandle(ByteArrayBuffer.class, "data", byte[].class);
        } catch (ReflectiveOperationException | IllegalArgumentException e) {
            LoggerFactory.getLogger(RelayServerSession.class).warn("MINA's decoder buffer cannot be given back "
                    + "here ({}): each session keeps its largest packet's size (about 2 KiB)", e.toString());
            return null;
        }
    }

    private void shrinkDecoder() {
        if (DECODER_ARRAY == null) {
            return;
        }
        decodeLock.lock();
        try {
            byte[] data = decoderBuffer.array();
            // wpos: the end of what is kept, a part of the next packet (read, or already decrypted in place)
            if (data.length > ByteArrayBuffer.DEFAULT_SIZE && decoderBuffer.wpos() <= ByteArrayBuffer.DEFAULT_SIZE) {
                DECODER_ARRAY.set(decoderBuffer, Arrays.copyOf(data, ByteArrayBuffer.DEFAULT_SIZE));
            }
        } finally {
            decodeLock.unlock();
        }
    }

    /** The capacity of MINA's packet decoder buffer. */
    int decoderBuffer() {
        return decoderBuffer.array().length;
    }

    @Override
    public int takeHeard() {
        return heard == 0 ? 0 : (int) HEARD.getAndSet(this, 0);
    }

    /** Called once the client's identification is read, and for every later key exchange. */
    @Override
    protected byte[] sendKexInit() throws Exception {
        if (initialKexDone) {
            return super.sendKexInit();
        }
        fallback = getFactoryManager().getScheduledExecutorService().schedule(this::sendFirstKexInitFromTimer,
                CLIENT_KEXINIT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        return null; // the caller (reading the identification) does not use it
    }

    @Override
    protected void handleKexInit(Buffer buffer) throws Exception {
        super.handleKexInit(buffer); // records the client's proposal; negotiation waits until ours is sent
        if (!initialKexDone) {
            sendFirstKexInit();
        }
    }

    /**
     * MINA builds the relay's lists anew for every session and keeps them for its life (its proposal, and what it
     * sent): a kilobyte of equal strings per session. Every session's are the same few, so they are shared.
     */
    @Override
    protected Map<KexProposalOption, String> getKexProposal() throws Exception {
        Map<KexProposalOption, String> proposal = super.getKexProposal(); // the session's own, kept by MINA
        shareNames(proposal);
        return proposal;
    }

    @Override
    protected byte[] sendKexInit(Map<KexProposalOption, String> proposal) throws Exception {
        Map<KexProposalOption, String> client = getClientKexProposals();
        if (!client.isEmpty()) {
            ServerPreference.narrow(proposal, client);
        }
        shareNames(proposal);
        return super.sendKexInit(proposal);
    }

    /**
     * One instance of each list of names in {@code proposal}. Only the relay's own lists, their narrowed forms and
     * the names negotiated from them come here, a few dozen strings in all: never a client's lists, which would grow
     * the JVM's string table without bound.
     */
    private static void shareNames(Map<KexProposalOption, String> proposal) {
        proposal.replaceAll((option, names) -> names.intern());
    }

    /**
     * The client's NEWKEYS: the key exchange is over, and what only a key exchange reads goes until the next one
     * records its own: both KEXINIT payloads, and the client's algorithm lists (another 1-2 KB of strings), of which
     * only the relay's choices are kept, for {@link ServerPreference} to narrow a re-exchange the relay starts to
     * the same choices.
     */
    @Override
    protected void handleNewKeys(int cmd, Buffer buffer) throws Exception {
        super.handleNewKeys(cmd, buffer);
        synchronized (kexState) { // a re-exchange we start records our payload under this lock, after leaving DONE
            if (kexState.get() == KexState.DONE) {
                setClientKexData(NO_KEXINIT);
                setServerKexData(NO_KEXINIT);
                shareNames(negotiationResult); // one of the relay's names each (or "" for languages)
                synchronized (clientProposal) { // as MINA replaces it when the client's next KEXINIT comes
                    clientProposal.clear();
                    ServerPreference.CHOSEN_BY_RELAY.forEach(
                            option -> clientProposal.put(option, negotiationResult.get(option)));
                }
            }
        }
    }

    private void sendFirstKexInit() throws Exception {
        if (firstKexInitSent.compareAndSet(false, true)) {
            ScheduledFuture<?> timer = fallback;
            if (timer != null) {
                timer.cancel(false);
                fallback = null; // it refers to this session for as long as the session lives
            }
            super.sendKexInit();
        }
    }

    private void sendFirstKexInitFromTimer() {
        try {
            sendFirstKexInit();
        } catch (Exception e) {
            exceptionCaught(e);
        }
    }
}

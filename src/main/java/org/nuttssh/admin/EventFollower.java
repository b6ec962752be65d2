package org.nuttssh.admin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;

import org.apache.sshd.common.io.IoOutputStream;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.nuttssh.events.EventHub;
import org.nuttssh.events.EventQueue;
import org.nuttssh.events.RelayEvent;

/**
 * One {@code events} reader: the cluster's events, one line each, written as fast as the client reads and no faster.
 * One write is in flight at a time (MINA's channel stream allows no more, and completes it only within the client's
 * window); what arrives meanwhile waits in a bounded queue, and what does not fit is dropped and reported to the
 * reader as a {@code dropped} line, so a reader that stops reading costs the relay {@link #QUEUE} events at most.
 */
final class EventFollower implements Consumer<RelayEvent> {

    /**
     * Events a reader may fall behind by. A fleet reconnecting after a node restart makes a few thousand events
     * within seconds, which a reader on a slow link should see; each event is ~200 bytes, so ~400 KB per reader
     * at most.
     */
    static final int QUEUE = 2048;
    /** Events written at once: lines add up to at most ~50 KB, well within one SSH window. */
    static final int WRITE_BATCH = 256;

    private final EventHub hub;
    private final IoOutputStream out;
    private final boolean json;
    private final EventQueue queue = new EventQueue(QUEUE);
    // Guarded by this.
    private boolean writing;
    private boolean stopped;

    /** @param json one JSON object per line rather than text */
    EventFollower(EventHub hub, IoOutputStream out, boolean json) {
        this.hub = hub;
        this.out = out;
        this.json = json;
    }

    void start() {
        hub.subscribe(this);
    }

    /** The client has gone, or the channel closed: no more events are taken or written. */
    void stop() {
        synchronized (this) {
            stopped = true;
        }
        hub.unsubscribe(this);
    }

    @Override
    public void accept(RelayEvent event) {
        queue.offer(event);
        writeNext();
    }

    private void writeNext() {
        List<RelayEvent> batch;
        synchronized (this) {
            if (writing || stopped || queue.isEmpty()) {
                return;
            }
            batch = queue.take(WRITE_BATCH, hub.node());
            writing = true;
        }
        StringBuilder lines = new StringBuilder();
        batch.forEach(event -> lines.append(json ? event.toJson().encode() : event.toText()).append('\n'));
        try {
            out.writeBuffer(new ByteArrayBuffer(lines.toString().getBytes(StandardCharsets.UTF_8)))
                    .addListener(written -> {
                        synchronized (this) {
                            writing = false;
                        }
                        if (written.isWritten()) {
                            writeNext();
                        } else {
                            stop();
                        }
                    });
        } catch (IOException e) {
            stop();
        }
    }
}

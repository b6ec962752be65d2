package org.nuttssh.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.apache.sshd.common.io.AbstractIoWriteFuture;
import org.apache.sshd.common.io.IoOutputStream;
import org.apache.sshd.common.util.buffer.Buffer;
import org.junit.jupiter.api.Test;
import org.nuttssh.events.EventHub;
import org.nuttssh.events.RelayEvent;
import org.nuttssh.registry.NodeId;

import io.vertx.core.json.JsonObject;

/**
 * A reader that does not read: the channel's stream completes no write (its window is full), so the follower has one
 * write in flight, keeps at most {@link EventFollower#QUEUE} events, and tells the reader how many it dropped.
 */
class EventFollowerTest {

    /** A channel stream whose writes complete only when the test says so. */
    private static final class StalledStream {
        final List<String> written = new ArrayList<>();
        final List<AbstractIoWriteFuture> pending = new ArrayList<>();

        IoOutputStream stream() {
            return (IoOutputStream) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {IoOutputStream.class}, (proxy, method, args) -> {
                        if (!method.getName().equals("writeBuffer")) {
                            return method.getReturnType() == boolean.class ? false : null;
                        }
                        Buffer buffer = (Buffer) args[0];
                        written.add(new String(buffer.array(), buffer.rpos(), buffer.available(),
                                StandardCharsets.UTF_8));
                        AbstractIoWriteFuture write = new AbstractIoWriteFuture(this, null) { };
                        pending.add(write);
                        return write;
                    });
        }

        void completeOldest() {
            pending.remove(0).setValue(Boolean.TRUE);
        }
    }

    @Test
    void aReaderThatDoesNotReadCostsABoundedQueueAndLearnsWhatWasDropped() {
        EventHub hub = new EventHub(NodeId.random());
        StalledStream channel = new StalledStream();
        EventFollower follower = new EventFollower(hub, channel.stream(), true);
        follower.start();
        int offered = 10 * EventFollower.QUEUE;
        for (int i = 0; i < offered; i++) {
            hub.emit(RelayEvent.now(RelayEvent.CONNECTED, "gw" + i, hub.node()));
        }
        assertEquals(1, channel.written.size(), "one write in flight while the window is full");
        assertEquals(1, channel.pending.size());

        channel.completeOldest();
        List<JsonObject> next = channel.written.get(1).lines().map(JsonObject::new).toList();
        assertEquals(RelayEvent.DROPPED, next.get(0).getString("event"), "the reader learns first what it missed");
        assertEquals(offered - 1 - EventFollower.QUEUE, next.get(0).getLong("count"));
        assertEquals("gw1", next.get(1).getString("name"), "then the oldest event kept");

        while (!channel.pending.isEmpty()) {
            channel.completeOldest();
        }
        long lines = channel.written.stream().mapToLong(text -> text.lines().count()).sum();
        assertEquals(1 + 1 + EventFollower.QUEUE, lines, "the first event, the drop note, then the queue");
        assertTrue(channel.written.stream().allMatch(text -> text.lines().count() <= EventFollower.WRITE_BATCH + 1));

        follower.stop();
        hub.emit(RelayEvent.now(RelayEvent.CONNECTED, "late", hub.node()));
        assertEquals(lines, channel.written.stream().mapToLong(text -> text.lines().count()).sum(),
                "nothing after the client has gone");
    }
}

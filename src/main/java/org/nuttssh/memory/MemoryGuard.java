package org.nuttssh.memory;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.sun.management.GarbageCollectionNotificationInfo;

/**
 * Tells the relay when to shed load, from how full the heap is after each garbage collection: the one moment the
 * JVM knows how much of it is live. The JVM reports every collection to a listener here, on its own notification
 * thread; the relay's threads only read two flags, so a check costs a volatile read on any thread, and nothing is
 * computed per connection or per packet.
 *
 * <p>New connections and listeners are refused first, while circuits may still open: the relay goes on serving the
 * clients it has. Circuits are refused only closer to the bound: the windows of open circuits may still grow into
 * their {@link WindowBudget} (an eighth of the bound, which fits between the two marks), and the room left above the
 * second mark is for the circuits' floors and for the garbage made between two collections, so that the heap never
 * runs out.
 */
public final class MemoryGuard implements AutoCloseable {

    /** Heap after a collection, as a share of the bound, from which new connections and listeners are refused. */
    static final double CLIENTS_MARK = 0.75;
    /** The same, for new circuits. */
    static final double CIRCUITS_MARK = 0.90;
    /**
     * Refusing stops once the heap after a collection is this share below its mark again, so a relay that sits at a
     * mark does not turn refusals on and off (and log it) at every collection.
     */
    static final double HYSTERESIS = 0.05;

    private static final Logger log = LoggerFactory.getLogger(MemoryGuard.class);
    private static final long MB = 1024 * 1024;

    private final long bound;
    private final List<NotificationEmitter> emitters = new ArrayList<>();
    private final NotificationListener listener = this::onNotification;
    private final Set<String> heapPools;
    private volatile long usedAfterGc;
    private volatile boolean refusesClients;
    private volatile boolean refusesCircuits;

    MemoryGuard(long bound, Set<String> heapPools) {
        this.bound = bound;
        this.heapPools = heapPools;
    }

    /**
     * Starts listening to this JVM's collections.
     *
     * @param maxMemory the max-memory setting in bytes; the bound is the smaller of it and the JVM's maximum heap
     */
    public static MemoryGuard start(long maxMemory) {
        Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName)
                .collect(Collectors.toUnmodifiableSet());
        MemoryGuard guard = new MemoryGuard(Math.min(maxMemory, Runtime.getRuntime().maxMemory()), heapPools);
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (collector instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener(guard.listener, null, null);
                guard.emitters.add(emitter);
            }
        }
        log.debug("memory bound {} MB: connections and listeners refused from {} MB, circuits from {} MB after a "
                + "collection", guard.bound / MB, (long) (guard.bound * CLIENTS_MARK) / MB,
                (long) (guard.bound * CIRCUITS_MARK) / MB);
        return guard;
    }

    /** Whether new connections and listeners are turned away now. */
    public boolean refusesClients() {
        return refusesClients;
    }

    /** Whether new circuits are turned away now. */
    public boolean refusesCircuits() {
        return refusesCircuits;
    }

    /** Heap in use after the last collection, in bytes; 0 before the first one. */
    public long usedAfterGc() {
        return usedAfterGc;
    }

    /** The bound in bytes: max-memory, or the JVM's maximum heap when that is smaller. */
    public long bound() {
        return bound;
    }

    /** Why something is refused, for logs and for the client: {@code 97 of 128 MB in use (max-memory)}. */
    public String describe() {
        return "the relay is near its memory bound: " + usedAfterGc / MB + " of " + bound / MB
                + " MB in use after garbage collection (max-memory)";
    }

    private void onNotification(Notification notification, Object handback) {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
            return;
        }
        GarbageCollectionNotificationInfo info =
                GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
        long used = info.getGcInfo().getMemoryUsageAfterGc().entrySet().stream()
                .filter(pool -> heapPools.contains(pool.getKey()))
                .mapToLong(pool -> pool.getValue().getUsed()).sum();
        collected(used);
    }

    /** A collection left {@code used} bytes of heap in use. */
    void collected(long used) {
        usedAfterGc = used;
        double share = (double) used / bound;
        boolean clients = crossed(refusesClients, share, CLIENTS_MARK);
        boolean circuits = crossed(refusesCircuits, share, CIRCUITS_MARK);
        if (clients != refusesClients || circuits != refusesCircuits) {
            if (circuits) {
                log.warn("{}: refusing new connections, listeners and circuits", describe());
            } else if (clients) {
                log.warn("{}: refusing new connections and listeners", describe());
            } else {
                log.info("memory: {} of {} MB in use after garbage collection: accepting again", used / MB,
                        bound / MB);
            }
        }
        refusesClients = clients;
        refusesCircuits = circuits;
    }

    private static boolean crossed(boolean refusing, double share, double mark) {
        return refusing ? share >= mark - HYSTERESIS : share >= mark;
    }

    @Override
    public void close() {
        for (NotificationEmitter emitter : emitters) {
            try {
                emitter.removeNotificationListener(listener);
            } catch (ListenerNotFoundException e) {
                // never added: nothing to remove
            }
        }
    }
}

package org.nuttssh.memory;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;
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
 * Tells the relay when to shed load, from how full the heap is after garbage collection, when the JVM knows how much
 * of it is live. The JVM reports every collection to a listener here, on its own notification thread; the relay's
 * threads only read two flags, so a check costs a volatile read on any thread, and nothing is computed per
 * connection or per packet.
 *
 * <p>Only a full collection counts just what is live. A young one (G1's young and mixed collections) leaves the old
 * generation's garbage until G1's next marking, and under churn that garbage is most of what it reports: in
 * {@code StalledCircuitsTest}'s scene, 64 circuits backing up through a 64m relay, young collections reported 42-58 MB
 * in use while a full collection a moment later found 26 MB live, and the guard turned listeners and circuits away.
 * So a young collection's figure is an upper bound: it may end a refusal, but one above a mark, or one that keeps a
 * refusal going, only asks for a full collection ({@link #CONFIRM_SPACING}), whose figure then decides.
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

    /** How the JVM names the end of a collection of the young generation only (G1, Parallel, Serial). */
    static final String YOUNG_COLLECTION = "end of minor GC";
    /**
     * A full collection stops every thread while it runs: the guard asks for one at most once per this many of the
     * last one's durations, so that asking costs at most 1 % of the relay's time however long a full collection of
     * its heap takes; a full collection the JVM made for its own reasons counts as well.
     */
    static final int CONFIRM_SPACING = 100;
    /** ... and at most once a second: a full collection of a small heap takes a few milliseconds, or reads as 0. */
    static final Duration MIN_CONFIRM_INTERVAL = Duration.ofSeconds(1);
    /**
     * A full collection asked for that has not reported after this long is not coming (the JVM was told to ignore
     * {@code System.gc()}, or to start a concurrent cycle instead): young figures then decide, as before. Far longer
     * than a full collection of a heap of a few GB takes.
     */
    static final Duration ANSWER_WAIT = Duration.ofSeconds(30);

    private static final Logger log = LoggerFactory.getLogger(MemoryGuard.class);
    private static final long MB = 1024 * 1024;

    private final long bound;
    private final List<NotificationEmitter> emitters = new ArrayList<>();
    private final NotificationListener listener = this::onNotification;
    private final Set<String> heapPools;
    /** Makes a full collection, off the caller's thread; its figure comes back as any collection's does. */
    private final Runnable fullCollection;
    private final LongSupplier nanoTime;
    private volatile long usedAfterGc;
    private volatile boolean refusesClients;
    private volatile boolean refusesCircuits;

    // Guarded by this, times from nanoTime: the last full collection's end and the wait after it before asking for
    // another; whether one was asked for and has not reported, and since when.
    private boolean anyFull;
    private long lastFull;
    private long spacing;
    private boolean asked;
    private long askedAt;

    MemoryGuard(long bound, Set<String> heapPools, Runnable fullCollection, LongSupplier nanoTime) {
        this.bound = bound;
        this.heapPools = heapPools;
        this.fullCollection = fullCollection;
        this.nanoTime = nanoTime;
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
        MemoryGuard guard = new MemoryGuard(Math.min(maxMemory, Runtime.getRuntime().maxMemory()), heapPools,
                MemoryGuard::collectInBackground, System::nanoTime);
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
        if (YOUNG_COLLECTION.equals(info.getGcAction())) {
            collectedYoung(used);
        } else {
            collectedFull(used, Duration.ofMillis(info.getGcInfo().getDuration()));
        }
    }

    /** A full collection, which took {@code took}, left {@code used} bytes of heap live. */
    synchronized void collectedFull(long used, Duration took) {
        anyFull = true;
        lastFull = nanoTime.getAsLong();
        spacing = Math.max(MIN_CONFIRM_INTERVAL.toNanos(), took.toNanos() * CONFIRM_SPACING);
        asked = false;
        decide(used, true);
    }

    /** A young collection left {@code used} bytes of heap in use, live or garbage the old generation still holds. */
    synchronized void collectedYoung(long used) {
        long now = nanoTime.getAsLong();
        boolean unanswered = asked && now - askedAt > ANSWER_WAIT.toNanos();
        if (!decide(used, unanswered) || asked || anyFull && now - lastFull < spacing) {
            return;
        }
        asked = true;
        askedAt = now;
        log.debug("memory: {} of {} MB in use after a young collection: a full collection to tell what is live",
                used / MB, bound / MB);
        fullCollection.run();
    }

    /**
     * Applies a figure: any may end a refusal; only one that counts just what is live may start one.
     *
     * @return whether only a full collection can tell: the figure, counting garbage too, would have started a
     *     refusal that it may not, or keeps one going that what is live may no longer justify (after the load went,
     *     its buffers wait in the old generation for G1's next marking)
     */
    private boolean decide(long used, boolean live) {
        usedAfterGc = used;
        double share = (double) used / bound;
        boolean clients = crossed(refusesClients, share, CLIENTS_MARK);
        boolean circuits = crossed(refusesCircuits, share, CIRCUITS_MARK);
        boolean unconfirmed = !live && (clients && !refusesClients || circuits && !refusesCircuits);
        if (unconfirmed) {
            clients &= refusesClients;
            circuits &= refusesCircuits;
        }
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
        return unconfirmed || !live && (clients || circuits);
    }

    /** {@code System.gc()} on a thread of its own, not on the JVM's notification thread that calls the guard. */
    private static void collectInBackground() {
        Thread thread = new Thread(System::gc, "memory-guard-full-collection");
        thread.setDaemon(true);
        thread.start();
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

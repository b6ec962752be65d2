package org.nuttssh.ssh.admission;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * New connections per second from each source address, as a token bucket: an address may open {@code perSecond}
 * connections at once, and one more every 1/perSecond of a second after that.
 */
final class ConnectionRate {

    /** Buckets untouched this long are full again and can be forgotten, so the map does not grow with every address. */
    private static final long FORGET_AFTER_NANOS = 10_000_000_000L;
    private static final double NANOS_PER_SECOND = 1e9;

    private record Bucket(double tokens, long at) {
    }

    private final int perSecond;
    private final Map<InetAddress, Bucket> buckets = new HashMap<>();
    private long lastSweep;

    ConnectionRate(int perSecond, long now) {
        this.perSecond = perSecond;
        this.lastSweep = now;
    }

    /**
     * @param now {@link System#nanoTime()}, passed in so tests can make time pass
     * @return whether a new connection from {@code address} is within the rate
     */
    synchronized boolean admit(InetAddress address, long now) {
        sweep(now);
        Bucket bucket = buckets.get(address);
        double tokens = bucket == null
                ? perSecond
                : Math.min(perSecond, bucket.tokens() + (now - bucket.at()) / NANOS_PER_SECOND * perSecond);
        if (tokens < 1) {
            buckets.put(address, new Bucket(tokens, now));
            return false;
        }
        buckets.put(address, new Bucket(tokens - 1, now));
        return true;
    }

    synchronized int trackedAddresses() {
        return buckets.size();
    }

    private void sweep(long now) {
        if (now - lastSweep < FORGET_AFTER_NANOS) {
            return;
        }
        lastSweep = now;
        buckets.values().removeIf(bucket -> now - bucket.at() > FORGET_AFTER_NANOS);
    }
}

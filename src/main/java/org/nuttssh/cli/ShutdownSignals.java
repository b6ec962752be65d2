package org.nuttssh.cli;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntConsumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import sun.misc.Signal;

/**
 * SIGTERM (and SIGINT, Ctrl-C) start a graceful shutdown instead of killing the JVM; the same signal again means
 * "now". {@code sun.misc.Signal} is the only JDK API that lets a program handle a signal rather than die of it; a
 * shutdown hook cannot do this, because it runs once the JVM is already exiting, with status 143, and a second
 * signal never reaches it.
 */
final class ShutdownSignals {

    static final List<String> SIGNALS = List.of("TERM", "INT");

    private static final Logger log = LoggerFactory.getLogger(ShutdownSignals.class);

    private ShutdownSignals() {
    }

    /**
     * @param graceful  runs once, on its own thread, at the first signal
     * @param immediate called with the exit status at a second signal
     */
    static void install(Runnable graceful, IntConsumer immediate) {
        AtomicBoolean started = new AtomicBoolean();
        for (String name : SIGNALS) {
            Signal.handle(new Signal(name), signal -> {
                if (started.compareAndSet(false, true)) {
                    log.info("SIG{}: shutting down gracefully; send it again to stop at once", signal.getName());
                    // The signal dispatcher must return; the drain takes up to the grace period.
                    new Thread(graceful, "nuttssh-shutdown").start();
                } else {
                    log.warn("SIG{} again: stopping now", signal.getName());
                    immediate.accept(ExitStatus.SIGNAL_BASE + signal.getNumber());
                }
            });
        }
    }
}

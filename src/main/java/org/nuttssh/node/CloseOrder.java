package org.nuttssh.node;

import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The order in which a group of resources is closed, declared once: {@code CloseOrder.builder().close(a).close(b)
 * .build()}, in the style of MINA's closeable builder. A resource not started yet (null) is skipped, so the same
 * order releases a half-finished start; one that fails to close is logged and the rest are still closed.
 */
public final class CloseOrder implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CloseOrder.class);

    private final List<AutoCloseable> resources;

    private CloseOrder(List<AutoCloseable> resources) {
        this.resources = resources;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void close() {
        for (AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception | LinkageError e) {
                log.warn("closing {} failed; closing the rest", resource, e);
            }
        }
    }

    public static final class Builder {
        private final List<AutoCloseable> resources = new ArrayList<>();

        private Builder() {
        }

        /** Closed after everything given before it; null is skipped. */
        public Builder close(AutoCloseable resource) {
            if (resource != null) {
                resources.add(resource);
            }
            return this;
        }

        public CloseOrder build() {
            return new CloseOrder(List.copyOf(resources));
        }
    }
}

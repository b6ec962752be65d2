package org.nuttssh.events;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import org.nuttssh.metrics.Tally;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;

/**
 * Posts this node's events to {@code event-webhook} as JSON arrays, in batches, one request at a time, retrying a
 * failed batch with exponential backoff. Events wait in a bounded queue that the relay only ever offers to: a slow
 * or dead receiver costs at most {@link #QUEUE} events of memory, and what does not fit is dropped, counted, and
 * logged at most once per {@link #LOG_INTERVAL}. Each node posts only its own events, so each is posted once.
 */
public final class EventWebhook implements AutoCloseable {

    /**
     * Events waiting for the receiver (~200 bytes each, so ~2 MB): a busy node's events for several minutes of a
     * receiver's outage, which is as long as retries go on for one batch anyway.
     */
    static final int QUEUE = 10_000;
    /** Events in one request; a receiver that takes a few hundred small objects at once is the common case. */
    static final int MAX_BATCH = 500;
    /** How long an event may wait for others to share its request. */
    static final Duration BATCH_INTERVAL = Duration.ofSeconds(1);
    /** Tries of one batch before its events count as failed: with the backoff, ~15 s of trying. */
    static final int MAX_ATTEMPTS = 5;
    /** The wait before the first retry; it doubles with each retry after. */
    static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    /** A receiver that has not answered a request within this is taken to have failed it. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /** Drops and failures are logged at most this often, with what happened since the last line. */
    static final Duration LOG_INTERVAL = Duration.ofMinutes(1);

    private static final Logger log = LoggerFactory.getLogger(EventWebhook.class);

    private final Vertx vertx;
    private final URI url;
    /** The receiver as logs name it: its path and query may hold a token, which logs must not. */
    private final String receiver;
    private final String node;
    private final Tally<WebhookOutcome> counts;
    private final HttpClientAgent client;
    private final EventQueue queue = new EventQueue(QUEUE);
    private final AtomicBoolean sending = new AtomicBoolean();
    private final WarningLimit dropWarnings = new WarningLimit(LOG_INTERVAL);
    private final WarningLimit failureWarnings = new WarningLimit(LOG_INTERVAL);
    private final long timer;
    private volatile boolean closed;

    private EventWebhook(Vertx vertx, URI url, EventHub hub, Tally<WebhookOutcome> counts) {
        this.vertx = vertx;
        this.url = url;
        this.receiver = url.getScheme() + "://" + url.getRawAuthority();
        this.node = hub.node();
        this.counts = counts;
        this.client = vertx.createHttpClient();
        hub.addOutlet(this::offer);
        this.timer = vertx.setPeriodic(BATCH_INTERVAL.toMillis(), tick -> sendNext());
    }

    /**
     * Starts posting this node's events to {@code url}.
     *
     * @param counts where what became of each event is counted, for the metrics
     */
    public static EventWebhook start(Vertx vertx, URI url, EventHub hub, Tally<WebhookOutcome> counts) {
        EventWebhook webhook = new EventWebhook(vertx, url, hub, counts);
        log.info("posting this node's events to {}", webhook.receiver);
        return webhook;
    }

    private void offer(RelayEvent event) {
        if (!queue.offer(event)) {
            counts.count(WebhookOutcome.DROPPED);
            dropWarnings.warn(log, "event webhook {} is behind: {} event(s) dropped since the last warning", receiver,
                    1);
        }
    }

    private void sendNext() {
        if (closed || queue.isEmpty() || !sending.compareAndSet(false, true)) {
            return;
        }
        List<RelayEvent> batch = queue.take(MAX_BATCH, node);
        Buffer body = Buffer.buffer(new JsonArray(batch.stream().map(RelayEvent::toJson).toList()).encode());
        attempt(batch, body, 1);
    }

    private void attempt(List<RelayEvent> batch, Buffer body, int attempt) {
        RequestOptions request = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url.toString())
                .setTimeout(REQUEST_TIMEOUT.toMillis())
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
        client.request(request).compose(outgoing -> outgoing.send(body)).compose(response -> response.body()
                .compose(ignored -> response.statusCode() / 100 == 2 ? Future.succeededFuture()
                        : Future.failedFuture("HTTP " + response.statusCode())))
                .onComplete(result -> {
                    if (result.succeeded()) {
                        count(batch, WebhookOutcome.SENT);
                        done();
                    } else if (attempt < MAX_ATTEMPTS && !closed) {
                        long backoff = FIRST_RETRY.toMillis() << (attempt - 1);
                        log.debug("event webhook {}: attempt {} failed ({}); retrying in {} ms", receiver, attempt,
                                result.cause().getMessage(), backoff);
                        vertx.setTimer(backoff, retry -> attempt(batch, body, attempt + 1));
                    } else {
                        long lost = count(batch, WebhookOutcome.FAILED);
                        failureWarnings.warn(log, "event webhook {} failed after " + MAX_ATTEMPTS + " attempts ("
                                + result.cause().getMessage() + "): {} event(s) lost since the last warning",
                                receiver, lost);
                        done();
                    }
                });
    }

    /**
     * Counts a batch's events; the notes of dropped events in it are not events.
     *
     * @return how many it counted
     */
    private long count(List<RelayEvent> batch, WebhookOutcome outcome) {
        List<RelayEvent> events = batch.stream().filter(event -> !RelayEvent.DROPPED.equals(event.event())).toList();
        events.forEach(event -> counts.count(outcome));
        return events.size();
    }

    private void done() {
        sending.set(false);
        if (!queue.isEmpty()) {
            sendNext(); // a backlog goes out at the receiver's pace, not the timer's
        }
    }

    @Override
    public void close() {
        closed = true;
        vertx.cancelTimer(timer);
        client.close();
    }

    @Override
    public String toString() {
        return "event webhook " + receiver;
    }
}

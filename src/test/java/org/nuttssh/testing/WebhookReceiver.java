package org.nuttssh.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A local HTTP receiver for the event webhook (the JDK's server): records the body of every POST and answers with
 * the statuses it was given, in turn, then 200; or never answers at all, holding each request until it is closed.
 */
public final class WebhookReceiver implements AutoCloseable {

    private final HttpServer server;
    private final List<Integer> statuses;
    private final boolean silent;
    private final AtomicInteger requests = new AtomicInteger();
    private final List<JsonObject> events = new ArrayList<>();
    private final CountDownLatch closing = new CountDownLatch(1);

    private WebhookReceiver(List<Integer> statuses, boolean silent) throws IOException {
        this.statuses = List.copyOf(statuses);
        this.silent = silent;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hook", this::handle);
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
    }

    /** Answers the first requests with {@code statuses}, in turn, and every later one with 200. */
    public static WebhookReceiver answering(Integer... statuses) throws IOException {
        return new WebhookReceiver(List.of(statuses), false);
    }

    /** Takes each request and never answers it. */
    public static WebhookReceiver silent() throws IOException {
        return new WebhookReceiver(List.of(), true);
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    /** Requests received, answered or not. */
    public int requests() {
        return requests.get();
    }

    /** The events of the requests answered 2xx, in the order received. */
    public synchronized List<JsonObject> events() {
        return List.copyOf(events);
    }

    private void handle(HttpExchange exchange) throws IOException {
        int index = requests.getAndIncrement();
        String body;
        try (InputStream in = exchange.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (silent) {
            try {
                closing.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        int status = index < statuses.size() ? statuses.get(index) : 200;
        if (status / 100 == 2 && "POST".equals(exchange.getRequestMethod())
                && "application/json".equals(exchange.getRequestHeaders().getFirst("Content-Type"))) {
            synchronized (this) {
                new JsonArray(body).forEach(event -> events.add((JsonObject) event));
            }
        }
        exchange.sendResponseHeaders(status, -1);
        exchange.close();
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
    }
}

package org.nuttssh.events;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import org.nuttssh.text.Printable;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Something that happened on one node, as {@code events} prints it and the webhook posts it: {@code event} (what),
 * {@code time} (RFC 3339, UTC), {@code name} (the client name it is about), {@code node} (the node it happened on,
 * as {@code list} shows it), and the fields that apply to it, in the order they were added.
 *
 * @param fields numbers, text, or lists of them
 */
public record RelayEvent(String event, Instant time, String name, String node, Map<String, Object> fields) {

    public static final String CONNECTED = "connected";
    public static final String DISCONNECTED = "disconnected";
    public static final String CIRCUIT_OPENED = "circuit-opened";
    public static final String CIRCUIT_CLOSED = "circuit-closed";
    public static final String REFUSED = "refused";
    /** Not something that happened to a client: events a reader or a node had to drop, with their {@code count}. */
    public static final String DROPPED = "dropped";

    /** The fields every event has, first. */
    private static final Set<String> HEAD = Set.of("event", "time", "name", "node");

    public RelayEvent {
        time = time.truncatedTo(ChronoUnit.MILLIS);
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    /** An event happening now on {@code node}; add its fields with {@link #with}. */
    public static RelayEvent now(String event, String name, String node) {
        return new RelayEvent(event, Instant.now(), name, node, Map.of());
    }

    /** {@code count} events that could not be passed on. */
    public static RelayEvent dropped(long count, String node) {
        return now(DROPPED, "", node).with("count", count);
    }

    /** This event with one more field; a null value leaves it out. */
    public RelayEvent with(String field, Object value) {
        if (value == null) {
            return this;
        }
        Map<String, Object> more = new LinkedHashMap<>(fields);
        more.put(field, value);
        return new RelayEvent(event, time, name, node, more);
    }

    public JsonObject toJson() {
        JsonObject json = new JsonObject().put("event", event).put("time", time.toString()).put("name", name)
                .put("node", node);
        fields.forEach((field, value) -> json.put(field, value instanceof Iterable<?> list
                ? new JsonArray(StreamSupport.stream(list.spliterator(), false).toList())
                : value));
        return json;
    }

    /**
     * One line for people: {@code TIME EVENT NAME node NODE field value...}; client-chosen text is escaped, as in
     * every text the relay prints.
     */
    public String toText() {
        String rest = fields.entrySet().stream()
                .map(field -> field.getKey() + " " + text(field.getValue()))
                .collect(Collectors.joining(" "));
        return time + " " + event + (name.isEmpty() ? "" : " " + Printable.escape(name)) + " node " + node
                + (rest.isEmpty() ? "" : " " + rest);
    }

    private static String text(Object value) {
        if (value instanceof Iterable<?> list) {
            return StreamSupport.stream(list.spliterator(), false).map(String::valueOf)
                    .map(Printable::escape).collect(Collectors.joining(",", "[", "]"));
        }
        String plain = Printable.escape(String.valueOf(value));
        return plain.indexOf(' ') >= 0 ? "'" + plain + "'" : plain;
    }

    /**
     * An event another node sent, or empty when it is not one: a node that sends what this one cannot read is
     * ignored rather than trusted with half a meaning.
     */
    public static Optional<RelayEvent> fromJson(JsonObject json) {
        try {
            Map<String, Object> fields = new LinkedHashMap<>();
            json.forEach(field -> {
                if (!HEAD.contains(field.getKey())) {
                    Object value = field.getValue();
                    fields.put(field.getKey(), value instanceof JsonArray list ? list.getList() : value);
                }
            });
            // Vert.x's getString turns a number into text: the head must be text as sent.
            if (!(json.getValue("event") instanceof String event && json.getValue("name") instanceof String name
                    && json.getValue("node") instanceof String node && json.getValue("time") instanceof String time)) {
                return Optional.empty();
            }
            return Optional.of(new RelayEvent(event, Instant.parse(time), name, node, fields));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}

package org.nuttssh.registry;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.SortedMap;

/**
 * A {@link ListenerRecord} as a {@link NameIndex} keeps it: one object and one byte array, about 120 bytes for a
 * client with one name, where the record with its strings, port map and time takes about 500. Every node keeps one
 * for every client in the cluster, so this is what a name costs each node (docs/performance.md, issue 33). Nothing is
 * dropped: {@link #record} gives back a record equal to the one packed.
 *
 * <ul>
 *   <li>the node id is the instance the caller passes, one per node ({@link #PackedRecord(ListenerRecord, NodeId)});
 *   <li>an id of the form the relay gives ({@code NODE-N}) is kept as its number;
 *   <li>the hostname and the address share one byte array;
 *   <li>the port map is shared with every client that has an equal one ({@link PortMaps});
 *   <li>the connection time is kept in milliseconds, as records carry it.
 * </ul>
 */
public class PackedRecord {

    /** The id's number when it is {@code NODE-N}, or this when the id is kept as written. */
    private static final long WRITTEN_ID = -1;

    private final NodeId node;
    /** Null when {@link #idNumber} stands for it. */
    private final String writtenId;
    private final long idNumber;
    /** The hostname's UTF-8 bytes, then the address's. */
    private final byte[] text;
    private final short hostnameBytes;
    private final List<String> aliases;
    private final SortedMap<Integer, String> ports;
    private final long connectedAt;
    private final long sequence;

    /** @param node the record's node, as the one instance the caller keeps for it (see {@link NodeId#equals}) */
    public PackedRecord(ListenerRecord record, NodeId node) {
        if (!node.equals(record.node())) {
            throw new IllegalArgumentException("node " + node + " for a record of node " + record.node());
        }
        this.node = node;
        this.idNumber = numberOf(record.id(), node);
        this.writtenId = idNumber == WRITTEN_ID ? record.id() : null;
        byte[] hostname = record.hostname().getBytes(StandardCharsets.UTF_8);
        if (hostname.length > Short.MAX_VALUE) {
            // Its length is kept in a short; names are far shorter (ClientName.MAX_BYTES) wherever they are made.
            throw new IllegalArgumentException("hostname of " + hostname.length + " bytes (expected: at most "
                    + Short.MAX_VALUE + ")");
        }
        byte[] address = record.address().getBytes(StandardCharsets.UTF_8);
        this.text = Arrays.copyOf(hostname, hostname.length + address.length);
        System.arraycopy(address, 0, text, hostname.length, address.length);
        this.hostnameBytes = (short) hostname.length;
        // An empty list from a parser may be its own instance: the shared one costs nothing per record.
        this.aliases = record.aliases().isEmpty() ? List.of() : record.aliases();
        this.ports = PortMaps.intern(record.ports());
        this.connectedAt = record.connectedAt().toEpochMilli();
        this.sequence = record.sequence();
    }

    /** The record as it was packed. */
    public final ListenerRecord record() {
        return new ListenerRecord(id(), node, hostname(), aliases, ports, new String(text, hostnameBytes,
                text.length - hostnameBytes, StandardCharsets.UTF_8), Instant.ofEpochMilli(connectedAt), sequence);
    }

    public final NodeId node() {
        return node;
    }

    public final String id() {
        return writtenId != null ? writtenId : node.value() + "-" + idNumber;
    }

    public final long sequence() {
        return sequence;
    }

    final String hostname() {
        return new String(text, 0, hostnameBytes, StandardCharsets.UTF_8);
    }

    /** The record's names, as {@link ListenerRecord#names}. */
    final List<String> names() {
        return aliases.isEmpty() ? List.of(hostname()) : record().names();
    }

    /** Whether this is the record of {@code id}, without making the id. */
    final boolean hasId(String id) {
        if (writtenId != null) {
            return writtenId.equals(id);
        }
        return numberOf(id, node) == idNumber;
    }

    /** {@code id.hashCode()}, without making the id. */
    final int idHash() {
        if (writtenId != null) {
            return writtenId.hashCode();
        }
        int hash = node.value().hashCode() * 31 + '-';
        for (char digit : Long.toString(idNumber).toCharArray()) {
            hash = hash * 31 + digit;
        }
        return hash;
    }

    /** {@code ClientName.fold(hostname()).hashCode()}, without making either when the hostname is ASCII. */
    final int foldedHostnameHash() {
        if (!asciiHostname()) {
            return ClientName.fold(hostname()).hashCode();
        }
        int hash = 0;
        for (int i = 0; i < hostnameBytes; i++) {
            hash = hash * 31 + lower(text[i]);
        }
        return hash;
    }

    /** Whether the hostname folds to {@code folded} ({@link ClientName#fold}). */
    final boolean hostnameFoldsTo(String folded) {
        if (!asciiHostname()) {
            return ClientName.fold(hostname()).equals(folded);
        }
        if (folded.length() != hostnameBytes) {
            return false;
        }
        for (int i = 0; i < hostnameBytes; i++) {
            if (lower(text[i]) != folded.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private boolean asciiHostname() {
        for (int i = 0; i < hostnameBytes; i++) {
            if (text[i] < 0) {
                return false;
            }
        }
        return true;
    }

    private static char lower(byte ascii) {
        return (char) (ascii >= 'A' && ascii <= 'Z' ? ascii + ('a' - 'A') : ascii);
    }

    /** N when {@code id} is {@code NODE-N} as the relay writes it (no sign, no leading zero), else {@link #WRITTEN_ID}. */
    private static long numberOf(String id, NodeId node) {
        String prefix = node.value();
        int digits = id.length() - prefix.length() - 1;
        if (digits < 1 || digits > 18 || !id.startsWith(prefix) || id.charAt(prefix.length()) != '-'
                || (digits > 1 && id.charAt(prefix.length() + 1) == '0')) {
            return WRITTEN_ID;
        }
        long number = 0;
        for (int i = prefix.length() + 1; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c < '0' || c > '9') {
                return WRITTEN_ID;
            }
            number = number * 10 + (c - '0');
        }
        return number;
    }
}

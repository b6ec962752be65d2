package org.nuttssh.admin;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.nuttssh.registry.Listing;
import org.nuttssh.registry.NodeId;
import org.nuttssh.registry.Sighting;
import org.nuttssh.text.Printable;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The text of {@code list --json}: what {@link ListingTable} and {@link CountTable} show, for machines. One JSON
 * value on one line: an array of rows, or for {@code -c} an object. The field names are a contract (README, "Fleet
 * operations"): add fields, never rename one.
 */
final class ListingJson {

    private ListingJson() {
    }

    /** {@code list --json}: one object per listening client. */
    static String render(List<Listing> listings) {
        return new JsonArray(listings.stream().map(ListingJson::row).toList()).encode() + "\n";
    }

    /**
     * {@code list -v --json}: the rows with the key, certificate and circuits of each client; those are null for a
     * client whose node did not answer.
     *
     * @param traffic by client id
     */
    static String renderVerbose(List<Listing> listings, Map<String, ClientTraffic> traffic) {
        return new JsonArray(listings.stream().map(listing -> {
            ClientTraffic counts = traffic.get(listing.record().id());
            JsonObject row = row(listing);
            row.put("key", counts == null ? null : counts.key());
            row.put("certificate", counts == null || counts.certificate() == null ? null
                    : ClientCertificate.parse(counts.certificate()).map(ListingJson::certificate).orElse(null));
            row.put("circuits", counts == null ? null : counts.openCircuits());
            row.put("bytes", counts == null ? null : counts.bytes());
            return row;
        }).toList()).encode() + "\n";
    }

    /** {@code list --offline --json}: one object per name gone, with {@code last_seen} for {@code connected_since}. */
    static String renderOffline(List<Sighting> sightings) {
        return new JsonArray(sightings.stream().map(sighting -> new JsonObject()
                .put("name", sighting.name())
                .put("aliases", new JsonArray(sighting.aliases()))
                .put("ports", new JsonArray(sighting.ports()))
                .put("node", sighting.node().shortId())
                .put("last_seen", time(sighting.lastSeen()))
                .put("address", sighting.address())).toList()).encode() + "\n";
    }

    /** {@code list -c --json}: {@code {"nodes": {"NODE": N, ...}, "total": N}}. */
    static String renderCounts(List<Listing> listings, Collection<NodeId> members) {
        JsonObject nodes = new JsonObject();
        CountTable.perNode(listings, members).forEach((node, clients) -> nodes.put(node.shortId(), clients));
        return new JsonObject().put("nodes", nodes).put("total", listings.size()).encode() + "\n";
    }

    private static JsonObject row(Listing listing) {
        return new JsonObject()
                .put("name", listing.connectName())
                .put("aliases", new JsonArray(listing.aliasNames()))
                .put("ports", new JsonArray(List.copyOf(listing.record().ports().keySet())))
                .put("node", listing.record().node().shortId())
                .put("connected_since", time(listing.record().connectedAt()))
                .put("address", listing.record().address());
    }

    /** The key ID is the only free text a client chose here; it is escaped as everywhere it is shown. */
    private static JsonObject certificate(ClientCertificate certificate) {
        return new JsonObject().put("key_id", Printable.escape(certificate.keyId()))
                .put("serial", certificate.serial()).put("ca", certificate.ca());
    }

    /** RFC 3339 in UTC, to the second, as the text table shows it. */
    static String time(Instant instant) {
        return instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}

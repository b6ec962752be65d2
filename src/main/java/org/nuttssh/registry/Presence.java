package org.nuttssh.registry;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * What the relay remembers of names that were connected, for {@code list --offline}: per folded hostname, its latest
 * {@link Sighting}, for the retention and up to a number of names, the longest unseen dropped first. In memory on a
 * node alone; in a cluster, a shared map that outlives the node that held the client. Nothing here blocks the caller.
 */
public interface Presence {

    /** Remembers a sighting, replacing what was remembered of its name. Returns at once; a write may be under way. */
    void seen(Sighting sighting);

    /** Every name seen within the retention, once each. */
    CompletionStage<List<Sighting>> recent();

    /** Entries ignored since start because they did not open (another cluster secret, a stranger's write). */
    long unreadable();
}

package org.nuttssh.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.nuttssh.circuit.CircuitEnd;
import org.nuttssh.circuit.CircuitRefusedException;
import org.nuttssh.circuit.ListeningClient;

/** A listening client whose circuits end in {@link RecordingEnd}s, or that refuses every circuit with a reason. */
public final class FakeListener implements ListeningClient {
    private final List<RecordingEnd> targets = new ArrayList<>();
    private final boolean holdWrites;
    private final String refusal;

    private FakeListener(boolean holdWrites, String refusal) {
        this.holdWrites = holdWrites;
        this.refusal = refusal;
    }

    /** Takes every circuit; its ends complete writes at once. */
    public static FakeListener accepting() {
        return new FakeListener(false, null);
    }

    /** Takes every circuit; its ends hold each write until the test completes it. */
    public static FakeListener slow() {
        return new FakeListener(true, null);
    }

    /** Refuses every circuit, as a client whose target port is closed. */
    public static FakeListener refusing(String reason) {
        return new FakeListener(false, reason);
    }

    @Override
    public synchronized CompletionStage<CircuitEnd> openTarget(int port, String originHost, int originPort) {
        if (refusal != null) {
            return CompletableFuture.failedFuture(CircuitRefusedException.connectFailed(refusal));
        }
        RecordingEnd end = new RecordingEnd("target", holdWrites);
        targets.add(end);
        return CompletableFuture.completedFuture(end);
    }

    public synchronized RecordingEnd lastTarget() {
        return targets.get(targets.size() - 1);
    }
}

package dev.qio.benchmarks;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One side of a {@link Peers} row: qio or a peer library, set up once and then driven in short
 * rounds that alternate with the row's other contenders.
 */
interface Contender extends AutoCloseable {
    /** What the table calls it. */
    String label();

    /**
     * Drives the load for about {@code nanos} and returns the rate it achieved in the row's unit
     * (bytes or round trips per second), counted until the peer has taken everything sent, so no
     * round leaves work for the next.
     */
    double round(long nanos) throws Exception;

    /** Opens a contender; {@link Peers} reports one that throws as unavailable, with the reason. */
    @FunctionalInterface
    interface Opener {
        Contender open() throws Exception;
    }

    /** A rate measured on some thread. */
    @FunctionalInterface
    interface Rate {
        double get() throws Exception;
    }

    /** Runs {@code r} on a fresh virtual thread and returns its result. */
    static double onVirtualThread(Rate r) throws Exception {
        CompletableFuture<Double> f = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                f.complete(r.get());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f.get(1, TimeUnit.MINUTES);
    }
}

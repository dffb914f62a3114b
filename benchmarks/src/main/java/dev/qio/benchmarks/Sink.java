package dev.qio.benchmarks;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The receiving end's byte count, written by one thread (a drain loop or an event loop), read by
 * the thread that ends a round: {@link #await} returns once everything the round sent has
 * arrived, so a round's time covers delivery, not only the writes that filled the socket buffer.
 */
final class Sink {
    private volatile long received;
    private volatile long expect = Long.MAX_VALUE;
    private volatile CompletableFuture<Void> arrived = new CompletableFuture<>();

    /** Counts {@code n} more bytes (one thread only). */
    void add(long n) {
        long r = received + n;
        received = r;
        if (r >= expect) {
            arrived.complete(null);
        }
    }

    /** Waits until {@code total} bytes in all have arrived. */
    void await(long total) throws Exception {
        CompletableFuture<Void> f = new CompletableFuture<>();
        arrived = f;
        expect = total;
        if (received >= total) {
            f.complete(null);
        }
        f.get(60, TimeUnit.SECONDS);
        expect = Long.MAX_VALUE;
    }
}

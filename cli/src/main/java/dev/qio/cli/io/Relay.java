package dev.qio.cli.io;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Copies both ways between two endpoints at once, as socat does: one virtual thread per direction.
 * When one direction reads end of stream it ends the other endpoint's output ({@code shutdown(WRITE)}
 * where the channel has SHUTDOWN, else a close), so a half-close travels through. The relay is
 * over when both directions are; an error in either closes both endpoints, which ends the other
 * direction, and is thrown once both have stopped.
 */
public final class Relay {
    private Relay() {}

    /** The bytes each direction moved. */
    public record Totals(long aToB, long bToA) {}

    /**
     * Relays until both directions end, then closes both endpoints.
     *
     * @param linger after the first direction ends, how long to wait for the other before closing
     *     both anyway (socat's {@code -t}); {@code null} waits as long as it takes
     * @return what each direction moved
     * @throws IOException the first failure of either direction, the other's attached as suppressed
     */
    public static Totals run(Endpoint a, Endpoint b, Duration linger) throws IOException {
        List<IOException> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.atomic.AtomicLong aToB = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicLong bToA = new java.util.concurrent.atomic.AtomicLong();
        CompletableFuture<Void> ab = pump(a, b, failures, aToB);
        CompletableFuture<Void> ba = pump(b, a, failures, bToA);
        CompletableFuture<Void> both = CompletableFuture.allOf(ab, ba);
        try {
            if (linger == null) {
                both.get();
            } else {
                CompletableFuture.anyOf(ab, ba).get();
                try {
                    both.get(linger.toMillis(), TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    // The other direction is still open after the linger time: end it, as socat does.
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failures.add(new IOException("relay interrupted", e));
        } catch (ExecutionException e) {
            failures.add(new IOException("relay failed: " + Failures.describe(e.getCause()), e.getCause()));
        } finally {
            closeBoth(a, b, failures);
        }
        synchronized (failures) {
            if (!failures.isEmpty()) {
                IOException first = failures.getFirst();
                failures.stream().skip(1).forEach(first::addSuppressed);
                throw first;
            }
        }
        return new Totals(aToB.get(), bToA.get());
    }

    private static CompletableFuture<Void> pump(
            Endpoint from, Endpoint to, List<IOException> failures, java.util.concurrent.atomic.AtomicLong moved) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread.ofVirtual().name("qio-relay " + from.name() + " -> " + to.name()).start(() -> {
            try {
                Copy.copy(from, to, moved::set);
                to.endOutput();
            } catch (IOException | RuntimeException e) {
                failures.add(e instanceof IOException io ? io : new IOException(Failures.describe(e), e));
                // Ends the other direction too: its read returns end of stream once its side is closed here.
                closeBoth(from, to, failures);
            } finally {
                done.complete(null);
            }
        });
        return done;
    }

    private static void closeBoth(Endpoint a, Endpoint b, List<IOException> failures) {
        for (Endpoint e : new Endpoint[] {a, b}) {
            try {
                e.close();
            } catch (IOException ex) {
                if (failures.isEmpty()) {
                    failures.add(ex);
                }
            }
        }
    }
}

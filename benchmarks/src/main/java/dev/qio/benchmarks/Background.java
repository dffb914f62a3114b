package dev.qio.benchmarks;

import java.time.Duration;

/**
 * The other end of a two-thread benchmark: a daemon thread that runs one transfer loop (drain a
 * stream, echo a ping) until its input ends. The benchmark thread only writes (or writes and
 * reads); this thread keeps the other side moving across JMH's iterations, which start and stop
 * the benchmark thread only.
 *
 * <p>If the loop fails, {@code onFailure} runs (it closes the benchmark's ends) so the benchmark
 * thread fails too instead of waiting for ever on a peer that is gone; {@link #join()} then
 * reports the failure.
 */
final class Background {
    /** The loop; it returns when its input reached end of stream. */
    @FunctionalInterface
    interface Loop {
        void run() throws Exception;
    }

    /** How long {@link #join()} waits for the loop to see end of stream after teardown closed its peer. */
    private static final Duration JOIN = Duration.ofSeconds(30);

    private final Thread thread;
    private volatile Throwable failure;

    private Background(Thread.Builder builder, Loop loop, Runnable onFailure) {
        thread = builder.unstarted(() -> {
            try {
                loop.run();
            } catch (Throwable t) {
                failure = t;
                onFailure.run();
            }
        });
    }

    /** Starts {@code loop} on a daemon platform thread named {@code name}. */
    static Background start(String name, Loop loop, Runnable onFailure) {
        Background b = new Background(Thread.ofPlatform().name(name).daemon(true), loop, onFailure);
        b.thread.start();
        return b;
    }

    /** Starts {@code loop} on a virtual thread named {@code name}. */
    static Background startVirtual(String name, Loop loop, Runnable onFailure) {
        Background b = new Background(Thread.ofVirtual().name(name), loop, onFailure);
        b.thread.start();
        return b;
    }

    /**
     * Waits for the loop to end (call it after closing the loop's peer, so that it reads end of
     * stream).
     *
     * @throws IllegalStateException if the loop failed, or did not end in time
     */
    void join() throws InterruptedException {
        if (!thread.join(JOIN)) {
            throw new IllegalStateException(
                    thread.getName() + " did not end " + JOIN.toSeconds() + " s after its peer closed");
        }
        if (failure != null) {
            throw new IllegalStateException(thread.getName() + " failed: " + failure, failure);
        }
    }

    /**
     * A benchmark's teardown: runs {@code end}, which makes the loop's input reach end of stream
     * (closes or shuts down its peer), waits for the loop as {@link #join()} does, then runs each
     * of {@code thenClose} in order, whether the wait failed or not, ignoring what they throw.
     *
     * @throws IllegalStateException if the loop failed, or did not end in time
     */
    void stop(Loop end, Loop... thenClose) throws InterruptedException {
        quietly(end);
        try {
            join();
        } finally {
            for (Loop c : thenClose) {
                quietly(c);
            }
        }
    }

    /** Runs {@code action}, ignoring what it throws: teardown goes on closing the rest. */
    static void quietly(Loop action) {
        try {
            action.run();
        } catch (Exception ignored) {
            // teardown: the first failure, if any, is reported by join()
        }
    }
}

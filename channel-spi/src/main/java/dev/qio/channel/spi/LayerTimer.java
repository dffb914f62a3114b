package dev.qio.channel.spi;

import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The one thread on which layers give up waiting for a peer: a WebSocket upgrade that takes too
 * long, a closed TLS session's inner channel that lingers for the peer's end of stream. A
 * daemon thread, started the first time a timeout is set; tasks must be short and must not
 * block, as every layer's timeouts share it.
 *
 * <p>A cancelled timeout is removed at once, so a finished wait does not keep its channel
 * reachable until the time would have come.
 */
public final class LayerTimer {
    private LayerTimer() {}

    /** Holds the executor, so the thread starts only when the first timeout is set. */
    private static final class Holder {
        static final ScheduledThreadPoolExecutor TIMER = timer();

        private static ScheduledThreadPoolExecutor timer() {
            ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(
                    1,
                    task -> Thread.ofPlatform()
                            .name("qio-layer-timer")
                            .daemon(true)
                            .unstarted(task));
            timer.setRemoveOnCancelPolicy(true);
            return timer;
        }
    }

    /**
     * Runs {@code task} on the timer thread once {@code delay} has passed, unless the returned
     * future is cancelled first.
     *
     * @throws IllegalArgumentException if {@code delay} is negative
     */
    public static ScheduledFuture<?> after(long delay, TimeUnit unit, Runnable task) {
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(task, "task");
        if (delay < 0) {
            throw new IllegalArgumentException("delay is negative: " + delay + " " + unit);
        }
        return Holder.TIMER.schedule(task, delay, unit);
    }
}

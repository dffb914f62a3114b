package dev.qio.channel.spi;

import dev.qio.channel.IoCondition;
import java.util.Set;

/**
 * How a provider tells the kit which {@link IoCondition}s hold, and when they may have changed.
 * {@link AbstractIoChannel} builds watches and {@code await} on it, so a provider writes no waiting
 * code of its own.
 *
 * <p>It fits every kind of transport: in-memory state changes signal their listeners directly
 * ({@link SignalledReadiness}); a selectable channel signals from a selector thread; a pump thread
 * signals after it moves bytes; a layered channel combines its own buffered state with its inner
 * channel's readiness.
 */
public interface Readiness {
    /**
     * The conditions that hold now. Must not block. May over-report (a later operation can still
     * return {@code ERR_BLOCK}, as after a spurious {@code poll(2)} wake-up) but must not miss a
     * condition that holds for good.
     *
     * <p>{@code IN} means a read would not block: bytes are there, or end of stream (report
     * {@code HUP} too), or the read would fail at once. {@code OUT} means a write would not block:
     * there is room, or the write would fail at once (report {@code ERR} too). {@code await} and
     * watches wait for exactly these, so a provider that reports only {@code HUP} or {@code ERR}
     * leaves a waiter parked.
     */
    Set<IoCondition> poll();

    /**
     * Calls {@code listener} whenever the conditions may have changed, until the returned
     * registration is closed. Calls may be spurious. The listener runs on whatever thread made the
     * change, possibly under the provider's locks, so it must be quick and must not block or call
     * back into the channel.
     *
     * @param interest the conditions the subscriber cares about; a provider may use it to limit
     *     what it watches (selector interest ops) and may ignore it
     */
    Registration subscribe(Set<IoCondition> interest, Runnable listener);

    /**
     * Waits on the calling thread until {@code condition} holds, in a way of this readiness's own
     * that beats subscribing and parking (a platform thread waiting in the kernel, a virtual thread
     * arming the poller itself). The default has none and returns {@code false} at once; the
     * caller then subscribes and parks.
     *
     * <p>An implementation that waits must end the wait when the object closes (its own close hook
     * wakes the thread), when the thread is interrupted, and when the condition holds; it may
     * return {@code true} early only in the ways {@link #poll()} may over-report.
     *
     * @param open whether the waited-on object is still open; checked after every wake-up
     * @param name the waited-on object's name, for messages
     * @return {@code true} after waiting; {@code false} if it cannot wait for this condition on
     *     this thread (say, another thread already waits for it directly)
     * @throws java.nio.channels.ClosedChannelException if the object is closed before or while
     *     waiting
     * @throws java.io.InterruptedIOException if the thread is interrupted; its status stays set
     */
    default boolean awaitDirectly(IoCondition condition, java.util.function.BooleanSupplier open, String name)
            throws java.io.IOException {
        return false;
    }

    /** A subscription; closing it stops the calls. Idempotent. */
    interface Registration extends AutoCloseable {
        @Override
        void close();
    }
}

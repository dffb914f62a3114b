package dev.qio.channel.spi;

import dev.qio.channel.EventLoop;
import dev.qio.channel.IoCondition;
import dev.qio.channel.Watch;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/**
 * What channels and listeners share about being open: the closed flag, the watches that must end
 * with the object, and the threads parked in {@code await}/{@code accept} that close must wake.
 */
final class OpenState {
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Set<Watch> watches = ConcurrentHashMap.newKeySet();
    /** Unparks every thread waiting on this object; run once by {@link #close}. */
    private final CopyOnWriteArraySet<Runnable> wakeups = new CopyOnWriteArraySet<>();

    /** What {@link #close} runs once: the provider's {@code implClose}. */
    @FunctionalInterface
    interface Closer {
        void close() throws IOException;
    }

    boolean isOpen() {
        return !closed.get();
    }

    void ensureOpen(String name) throws ClosedChannelException {
        if (closed.get()) {
            throw new ClosedException(name);
        }
    }

    /**
     * Closes once: runs {@code closer}, then ends every watch and wakes every waiter, even if the
     * closer failed. Later calls do nothing.
     */
    void close(Closer closer) throws IOException {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            closer.close();
        } finally {
            for (Watch w : watches) {
                w.close();
            }
            wakeups.forEach(Runnable::run);
        }
    }

    /** Starts a level-triggered watch that ends with this object. */
    Watch watch(Readiness readiness, Set<IoCondition> conditions, Predicate<Set<IoCondition>> callback, EventLoop loop) {
        LevelWatch w = new LevelWatch(readiness, conditions, callback, loop, watches::remove);
        watches.add(w); // before start(): the first dispatch may end the watch and remove it
        w.start();
        if (!isOpen()) {
            w.close(); // lost a race with close(): the watch must not outlive its object
        }
        return w;
    }

    /**
     * Waits until {@code condition} holds ({@link Waiter#await}); {@link #close} wakes it with
     * ClosedChannelException.
     */
    void await(Readiness readiness, IoCondition condition, String name) throws IOException {
        Waiter.await(readiness, condition, this::isOpen, wakeups, name);
    }
}

package dev.qio.channel.spi;

import dev.qio.channel.EventLoop;
import dev.qio.channel.IoCondition;
import dev.qio.channel.Watch;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * What channels and listeners share about being open: the closed flag, the watches that must end
 * with the object, and the threads parked in {@code await}/{@code accept} that close must wake.
 *
 * <p>An idle object pays for none of it: the two lists are made on first use. Both are guarded by
 * this object's monitor; {@link #close} sets the flag before it takes the monitor to copy them, so
 * whoever adds to a list and then checks the flag either is in the copy or sees the object closed.
 */
final class OpenState implements BooleanSupplier {
    private static final VarHandle CLOSED;

    static {
        try {
            CLOSED = MethodHandles.lookup().findVarHandle(OpenState.class, "closed", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Set once, by {@link #close}. */
    private volatile boolean closed;
    /** Watches that end with this object; null until the first; guarded by this. */
    private ArrayList<Watch> watches;
    /** Unpark the threads waiting on this object; null until the first; guarded by this. */
    private ArrayList<Runnable> wakeups;

    /** What {@link #close} runs once: the provider's {@code implClose}. */
    @FunctionalInterface
    interface Closer {
        void close() throws IOException;
    }

    boolean isOpen() {
        return !closed;
    }

    /** {@link #isOpen}, so that waits can be handed this object instead of a new lambda. */
    @Override
    public boolean getAsBoolean() {
        return !closed;
    }

    void ensureOpen(String name) throws ClosedChannelException {
        if (closed) {
            throw new ClosedException(name);
        }
    }

    /**
     * Closes once: runs {@code closer}, then ends every watch and wakes every waiter, even if the
     * closer failed. Later calls do nothing.
     */
    void close(Closer closer) throws IOException {
        if (!CLOSED.compareAndSet(this, false, true)) {
            return;
        }
        try {
            closer.close();
        } finally {
            Watch[] ending;
            Runnable[] waking;
            synchronized (this) {
                ending = watches == null ? null : watches.toArray(Watch[]::new);
                waking = wakeups == null ? null : wakeups.toArray(Runnable[]::new);
            }
            if (ending != null) {
                for (Watch w : ending) {
                    w.close();
                }
            }
            if (waking != null) {
                for (Runnable r : waking) {
                    r.run();
                }
            }
        }
    }

    /** Starts a level-triggered watch that ends with this object. */
    Watch watch(
            Readiness readiness, Set<IoCondition> conditions, Predicate<Set<IoCondition>> callback, EventLoop loop) {
        LevelWatch w = new LevelWatch(readiness, conditions, callback, loop, this::removeWatch);
        synchronized (this) { // before start(): the first dispatch may end the watch and remove it
            if (watches == null) {
                watches = new ArrayList<>(2);
            }
            watches.add(w);
        }
        w.start();
        if (!isOpen()) {
            w.close(); // lost a race with close(): the watch must not outlive its object
        }
        return w;
    }

    private synchronized void removeWatch(Watch w) {
        watches.remove(w);
    }

    /**
     * Waits until {@code condition} holds ({@link Waiter#await}); {@link #close} wakes it with
     * ClosedChannelException.
     */
    void await(Readiness readiness, IoCondition condition, String name) throws IOException {
        Waiter.await(readiness, condition, this, name);
    }

    /** Registers {@code wake} to run on close; the caller checks {@link #isOpen} after this. */
    synchronized void addWakeup(Runnable wake) {
        if (wakeups == null) {
            wakeups = new ArrayList<>(2);
        }
        wakeups.add(wake);
    }

    synchronized void removeWakeup(Runnable wake) {
        wakeups.remove(wake);
    }
}

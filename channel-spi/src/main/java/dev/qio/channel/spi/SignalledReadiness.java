package dev.qio.channel.spi;

import dev.qio.channel.IoCondition;
import java.util.Arrays;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@link Readiness} for transports whose state lives in this process (in-memory pipes, pump
 * threads, buffers): the provider calls {@link #signal()} after every change that can make a
 * condition hold, and the kit's watches and waiters re-poll.
 */
public final class SignalledReadiness implements Readiness {
    private final Supplier<Set<IoCondition>> poll;
    private static final Runnable[] NONE = {};

    /** Copy-on-write, so {@link #signal()} iterates without a lock or an iterator object. */
    private volatile Runnable[] listeners = NONE;

    /**
     * A readiness whose owner signals changes and computes the current state on demand.
     *
     * @param poll computes the conditions that hold now; must not block
     */
    public SignalledReadiness(Supplier<Set<IoCondition>> poll) {
        this.poll = Objects.requireNonNull(poll, "poll");
    }

    private static final Readiness ALWAYS_READY = always(Set.of(IoCondition.IN, IoCondition.OUT));

    /**
     * A readiness where IN and OUT always hold: for transports that never make a caller wait
     * (files, buffers, {@code null:}), and for layers over an inner channel whose readiness is not
     * visible. Shared; nothing is ever signalled on it.
     */
    public static Readiness alwaysReady() {
        return ALWAYS_READY;
    }

    /** A readiness where every asked condition always holds (files, {@code null:}). */
    public static Readiness always(Set<IoCondition> conditions) {
        Set<IoCondition> fixed = Set.copyOf(conditions);
        return new Readiness() {
            @Override
            public Set<IoCondition> poll() {
                return fixed;
            }

            @Override
            public Registration subscribe(Set<IoCondition> interest, Runnable listener) {
                return () -> {};
            }
        };
    }

    @Override
    public Set<IoCondition> poll() {
        return poll.get();
    }

    @Override
    public Registration subscribe(Set<IoCondition> interest, Runnable listener) {
        Objects.requireNonNull(listener, "listener");
        synchronized (this) {
            Runnable[] next = Arrays.copyOf(listeners, listeners.length + 1);
            next[next.length - 1] = listener;
            listeners = next;
        }
        java.util.concurrent.atomic.AtomicBoolean live = new java.util.concurrent.atomic.AtomicBoolean(true);
        return () -> {
            if (live.compareAndSet(true, false)) { // idempotent: a second close must not remove another subscription
                remove(listener);
            }
        };
    }

    /**
     * Tells every subscriber that conditions may have changed. Cheap when nobody subscribed: the
     * pipe's hot path calls it on every transfer.
     */
    public void signal() {
        for (Runnable r : listeners) {
            r.run();
        }
    }

    private synchronized void remove(Runnable listener) {
        Runnable[] current = listeners;
        for (int i = 0; i < current.length; i++) {
            if (current[i] == listener) {
                Runnable[] next = new Runnable[current.length - 1];
                System.arraycopy(current, 0, next, 0, i);
                System.arraycopy(current, i + 1, next, i, current.length - i - 1);
                listeners = next;
                return;
            }
        }
    }
}

package dev.qio.channel.spi;

import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The subscribers of a {@link Readiness} that tracks readiness itself (a poller-fed one): each
 * listener with the interest bits it asked for, kept copy-on-write so that {@link #fire()} walks
 * them without a lock and without allocating, and {@link #wanted()} tells the poller what to arm.
 * Adding and removing take this object's lock; both are rare next to firing.
 */
public final class Subscribers {
    private static final Runnable[] NONE = {};
    private static final int[] NO_INTERESTS = {};

    /** Copy-on-write under {@code this}; read without a lock. */
    private volatile Runnable[] listeners = NONE;
    /** Interest bits per listener, parallel to {@code listeners}; replaced with it. */
    private volatile int[] interests = NO_INTERESTS;

    /** Creates an empty set of subscribers. */
    public Subscribers() {}

    /**
     * Adds {@code listener} with {@code bits} of interest (the caller's own encoding).
     *
     * @return the registration; closing it removes exactly this subscription, once
     */
    public Readiness.Registration add(int bits, Runnable listener) {
        Objects.requireNonNull(listener, "listener");
        synchronized (this) {
            Runnable[] l = Arrays.copyOf(listeners, listeners.length + 1);
            int[] i = Arrays.copyOf(interests, interests.length + 1);
            l[l.length - 1] = listener;
            i[i.length - 1] = bits;
            interests = i;
            listeners = l;
        }
        AtomicBoolean live = new AtomicBoolean(true);
        return () -> {
            if (live.compareAndSet(true, false)) { // a second close must not remove another subscription
                remove(listener);
            }
        };
    }

    /** Runs every listener, on the calling thread. */
    public void fire() {
        for (Runnable r : listeners) {
            r.run();
        }
    }

    /** The union of every subscriber's interest bits. */
    public int wanted() {
        int w = 0;
        for (int i : interests) {
            w |= i;
        }
        return w;
    }

    private synchronized void remove(Runnable listener) {
        Runnable[] l = listeners;
        for (int i = 0; i < l.length; i++) {
            if (l[i] == listener) {
                Runnable[] nl = new Runnable[l.length - 1];
                int[] ni = new int[l.length - 1];
                System.arraycopy(l, 0, nl, 0, i);
                System.arraycopy(l, i + 1, nl, i, l.length - i - 1);
                System.arraycopy(interests, 0, ni, 0, i);
                System.arraycopy(interests, i + 1, ni, i, l.length - i - 1);
                interests = ni;
                listeners = nl;
                return;
            }
        }
    }
}

package dev.qio.channel.spi;

import dev.qio.channel.IoCondition;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link Readiness} the test drives: {@link #set} changes what {@code poll} reports, and
 * {@link #signal} also tells the subscribers, through a real {@link SignalledReadiness}. It records
 * the interest of every subscription, so a test can see which condition a waiter waited for.
 */
final class ScriptedReadiness implements Readiness {
    private volatile Set<IoCondition> state = Set.of();
    private final SignalledReadiness signalled = new SignalledReadiness(() -> state);
    private final List<Set<IoCondition>> interests = new ArrayList<>();
    private final AtomicInteger subscribed = new AtomicInteger();
    private final AtomicReference<Trap> trap = new AtomicReference<>();

    /** A one-shot stop in {@link #poll()}: see {@link #trapNextPoll}. */
    private record Trap(CountDownLatch entered, CountDownLatch release) {}

    /**
     * Makes the next {@link #poll()} call, on whatever thread, count down {@code entered} and then
     * wait for {@code release} before answering: a test can act while that thread is stopped at a
     * known point (a watch dispatch polls before it runs the callback).
     */
    void trapNextPoll(CountDownLatch entered, CountDownLatch release) {
        trap.set(new Trap(entered, release));
    }

    /** Makes {@code poll} report exactly {@code conditions}, without telling anyone. */
    void set(IoCondition... conditions) {
        EnumSet<IoCondition> next = EnumSet.noneOf(IoCondition.class);
        next.addAll(List.of(conditions));
        state = Set.copyOf(next);
    }

    /** Makes {@code poll} report exactly {@code conditions} and signals every subscriber. */
    void signal(IoCondition... conditions) {
        set(conditions);
        signalled.signal();
    }

    @Override
    public Set<IoCondition> poll() {
        Trap t = trap.getAndSet(null);
        if (t != null) {
            t.entered().countDown();
            boolean interrupted = false;
            while (true) {
                try {
                    t.release().await();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        return signalled.poll();
    }

    @Override
    public Registration subscribe(Set<IoCondition> interest, Runnable listener) {
        synchronized (interests) {
            interests.add(Set.copyOf(interest));
        }
        subscribed.incrementAndGet();
        Registration inner = signalled.subscribe(interest, listener);
        return new Registration() {
            private boolean closed;

            @Override
            public synchronized void close() {
                if (!closed) {
                    closed = true;
                    subscribed.decrementAndGet();
                    inner.close();
                }
            }
        };
    }

    /** The interest sets of every subscription so far, in order. */
    List<Set<IoCondition>> interests() {
        synchronized (interests) {
            return List.copyOf(interests);
        }
    }

    /** How many subscriptions are open now. */
    int subscribers() {
        return subscribed.get();
    }
}

package dev.qio.channel.spi;

import dev.qio.channel.EventLoop;
import dev.qio.channel.IoCondition;
import dev.qio.channel.Watch;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * A level-triggered watch on a {@link Readiness}: whenever the readiness signals, one dispatch is
 * queued on the loop (never more than one at a time); the dispatch re-polls and runs the callback
 * if a watched condition holds, and queues itself again while one still holds and the callback
 * keeps the watch. Shared by channels and listeners.
 */
final class LevelWatch implements Watch, Runnable {
    private final Readiness readiness;
    private final Set<IoCondition> conditions;
    /** Gets the conditions that hold (never empty); returns whether to keep the watch. */
    private final Predicate<Set<IoCondition>> callback;

    private final EventLoop loop;
    /** Told once when the watch ends, so the owner can forget it. */
    private final java.util.function.Consumer<LevelWatch> onClose;

    private final AtomicBoolean active = new AtomicBoolean(true);
    /** True while a dispatch is queued and has not started; collapses bursts of signals into one. */
    private final AtomicBoolean queued = new AtomicBoolean();
    /** Held by the loop thread while it dispatches, so close() can wait out a running callback. */
    private final ReentrantLock dispatching = new ReentrantLock();
    /** Set by {@link #start()}; a watch closed before it started never subscribes. */
    private volatile Readiness.Registration registration;

    LevelWatch(
            Readiness readiness,
            Set<IoCondition> conditions,
            Predicate<Set<IoCondition>> callback,
            EventLoop loop,
            java.util.function.Consumer<LevelWatch> onClose) {
        if (conditions.isEmpty()) {
            throw new IllegalArgumentException("a watch needs at least one condition");
        }
        this.readiness = readiness;
        this.conditions = EnumSet.copyOf(conditions);
        this.callback = callback;
        this.loop = loop;
        this.onClose = onClose;
    }

    /**
     * Subscribes and queues the first dispatch (a condition may hold already). Separate from the
     * constructor so the owner can record the watch before its callback can run and close it.
     */
    LevelWatch start() {
        Readiness.Registration r = readiness.subscribe(conditions, this::schedule);
        registration = r;
        if (!active.get()) {
            r.close(); // closed between construction and start
            return this;
        }
        schedule();
        return this;
    }

    private void schedule() {
        if (active.get() && queued.compareAndSet(false, true)) {
            try {
                loop.execute(this);
            } catch (RejectedExecutionException closedLoop) {
                closeOnce(); // no dispatch can be running on a closed loop's thread
            }
        }
    }

    @Override
    public void run() {
        queued.set(false); // a signal from now on queues another dispatch: no lost wake-up
        dispatching.lock(); // held from the active check through the callback; see close()
        try {
            if (!active.get()) {
                return;
            }
            Set<IoCondition> ready = holding();
            if (ready.isEmpty() || !active.get()) { // a close() may have come in during the poll
                return;
            }
            boolean keep = false;
            try {
                keep = callback.test(ready);
            } finally {
                if (!keep) {
                    close();
                }
            }
        } finally {
            dispatching.unlock();
        }
        if (active.get() && !holding().isEmpty()) {
            schedule();
        }
    }

    private Set<IoCondition> holding() {
        Set<IoCondition> now = EnumSet.noneOf(IoCondition.class);
        now.addAll(readiness.poll());
        now.retainAll(conditions);
        return now;
    }

    @Override
    public boolean isActive() {
        return active.get();
    }

    /**
     * Ends the watch. When it returns, the callback does not start again: if another thread is in
     * a dispatch, this waits for it to finish (a close from inside the callback does not wait).
     */
    @Override
    public void close() {
        closeOnce();
        if (!dispatching.isHeldByCurrentThread()) {
            dispatching.lock(); // waits for a dispatch under way; the next one sees active == false
            dispatching.unlock();
        }
    }

    private void closeOnce() {
        if (active.compareAndSet(true, false)) {
            Readiness.Registration r = registration;
            if (r != null) {
                r.close();
            }
            onClose.accept(this);
        }
    }
}

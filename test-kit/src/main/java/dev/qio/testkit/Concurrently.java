package dev.qio.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * Runs the actions of one try on threads of their own, so that the first failure in any of them
 * is the one the property reports.
 *
 * <p>When an action fails, the others usually wait for something the failed one will never do (a
 * reader for bytes a broken writer did not send). So the first failure stops the try: the
 * {@code stop} resource (the pair) is closed, which wakes threads blocked in the channel, and the
 * other threads are interrupted, which wakes threads waiting on latches or on each other. They get
 * {@link #STOP_GRACE} to end; what they throw meanwhile is attached to the first failure as
 * suppressed, and a thread that does not end is reported there with its stack, without waiting any
 * longer. The first failure is then rethrown on the calling thread, so the property shrinks it like
 * any other.
 *
 * <p>When nothing fails this waits for every action, bounded only by the test's own timeout. If
 * the caller is interrupted (that timeout), the helpers are interrupted too, so nothing outlives
 * the test.
 */
final class Concurrently {
    private Concurrently() {}

    /**
     * How long the other threads of a failed try get to end once the pair is closed and they are
     * interrupted: 10 s times {@code qio.timeout.scale}. Past it the failure is reported anyway,
     * naming the threads still running; a provider whose close wakes nobody does not turn a real
     * failure into a timeout.
     */
    static final Duration STOP_GRACE = Kit.timeout(Duration.ofSeconds(10));

    /** One action of a test; may throw anything. */
    @FunctionalInterface
    interface Action {
        void run() throws Throwable;
    }

    /**
     * Runs {@code actions} at once and returns when all have returned.
     *
     * @param stop closed after the first failure, to wake the others (usually the pair; closing it
     *     again later must be harmless)
     * @throws Throwable the first failure, with the others and any thread that did not stop attached
     */
    static void run(AutoCloseable stop, Action... actions) throws Throwable {
        run(stop, null, null, actions);
    }

    /**
     * As {@link #run(AutoCloseable, Action...)}, and the try also fails when {@code progress} (a
     * count of bytes moved, say) stays the same for {@link Kit#PROMPT} while the actions still run:
     * a transfer between running threads that stops moving is a deadlock, reported with where each
     * thread waits rather than as the test's timeout.
     *
     * @param what what {@code progress} counts, for the message
     */
    static void run(AutoCloseable stop, LongSupplier progress, String what, Action... actions) throws Throwable {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicInteger running = new AtomicInteger(actions.length);
        // Counted down by the first failure or by the last action to end, whichever comes first.
        CountDownLatch settled = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < actions.length; i++) {
            Action a = actions[i];
            threads.add(Thread.ofPlatform().name("qio-kit-" + i).daemon(true).start(() -> {
                try {
                    a.run();
                } catch (Throwable t) {
                    if (failure.compareAndSet(null, t)) {
                        settled.countDown(); // wakes the caller, which stops the others
                    } else {
                        failure.get().addSuppressed(t); // Throwable synchronises this itself
                    }
                } finally {
                    if (running.decrementAndGet() == 0) {
                        settled.countDown();
                    }
                }
            }));
        }
        try {
            awaitSettled(settled, progress, what, threads, failure);
            if (failure.get() != null) {
                stopOthers(stop, threads, failure);
            }
        } finally {
            for (Thread t : threads) {
                t.interrupt(); // no-op for finished helpers; unblocks them if the caller timed out
            }
        }
        if (failure.get() != null) {
            throw failure.get();
        }
    }

    /** Waits for {@code settled}; with {@code progress}, fails the try when it stalls. */
    private static void awaitSettled(
            CountDownLatch settled,
            LongSupplier progress,
            String what,
            List<Thread> threads,
            AtomicReference<Throwable> failure)
            throws InterruptedException {
        if (progress == null) {
            settled.await();
            return;
        }
        long last = progress.getAsLong();
        while (!settled.await(Kit.PROMPT.toNanos(), TimeUnit.NANOSECONDS)) {
            long now = progress.getAsLong();
            if (now == last) {
                AssertionError stalled = new AssertionError("no progress: " + what + " stayed at " + now + " for "
                        + Kit.PROMPT + " (the kit's liveness bound) while the threads still ran; where each"
                        + " waited is attached");
                for (Thread t : threads) {
                    if (t.isAlive()) {
                        stalled.addSuppressed(Background.stuck(t, t.getName() + " made no progress"));
                    }
                }
                failure.compareAndSet(null, stalled);
                return;
            }
            last = now;
        }
    }

    private static void stopOthers(AutoCloseable stop, List<Thread> threads, AtomicReference<Throwable> failure)
            throws InterruptedException {
        try {
            stop.close();
        } catch (Exception e) {
            failure.get().addSuppressed(e);
        }
        for (Thread t : threads) {
            t.interrupt();
        }
        long deadline = System.nanoTime() + STOP_GRACE.toNanos();
        for (Thread t : threads) {
            long left = deadline - System.nanoTime();
            if (left > 0) {
                t.join(Duration.ofNanos(left));
            }
            if (t.isAlive()) {
                failure.get()
                        .addSuppressed(Background.stuck(
                                t,
                                t.getName() + " did not stop after the first failure"
                                        + " closed the pair and interrupted it, within " + STOP_GRACE));
            }
        }
    }

    /** Waits until {@code t} is parked or waiting, i.e. blocked in the call under test. */
    static void awaitBlocked(Thread t) {
        while (t.isAlive()) {
            Thread.State s = t.getState();
            if (s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING) {
                return;
            }
            if (s == Thread.State.RUNNABLE) {
                // A thread blocked in a system call (a FIFO or blocking socket read) stays RUNNABLE,
                // with a native frame on top, or none at all in the native backend's poll(2).
                if (dev.qio.channel.spi.linux.Linux.isWaitingInKernel(t)) {
                    return;
                }
                StackTraceElement[] stack = t.getStackTrace();
                if (stack.length > 0 && stack[0].isNativeMethod()) {
                    return;
                }
            }
            Thread.yield(); // the state we wait for is an event, not a time
        }
    }
}

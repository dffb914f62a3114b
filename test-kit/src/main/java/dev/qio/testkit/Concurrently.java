package dev.qio.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs test actions on their own threads and rethrows the first failure on the calling thread,
 * with the others attached as suppressed. If the caller is interrupted (a kit timeout), the
 * helpers are interrupted too, so nothing outlives the test.
 */
final class Concurrently {
    private Concurrently() {}

    /** One action of a test; may throw anything. */
    @FunctionalInterface
    interface Action {
        void run() throws Throwable;
    }

    static void run(Action... actions) throws Throwable {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < actions.length; i++) {
            Action a = actions[i];
            threads.add(Thread.ofPlatform().name("qio-kit-" + i).daemon(true).start(() -> {
                try {
                    a.run();
                } catch (Throwable t) {
                    if (!failure.compareAndSet(null, t)) {
                        failure.get().addSuppressed(t);
                    }
                }
            }));
        }
        try {
            for (Thread t : threads) {
                t.join();
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

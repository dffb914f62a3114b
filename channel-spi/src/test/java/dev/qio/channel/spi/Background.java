package dev.qio.channel.spi;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * A task on its own thread, so that a test can wait until the task is parked in a given class
 * and then act on it (signal, close, interrupt) knowing the wake-up is what is tested.
 */
final class Background<T> {
    private final FutureTask<T> task;
    private final Thread thread;

    private Background(Thread.Builder builder, Callable<T> body) {
        task = new FutureTask<>(body);
        thread = builder.start(task);
    }

    /** Starts {@code body} on a new platform thread. */
    static <T> Background<T> start(String name, Callable<T> body) {
        return new Background<>(Thread.ofPlatform().name(name).daemon(true), body);
    }

    /** Starts {@code body} on a new virtual thread. */
    static <T> Background<T> startVirtual(String name, Callable<T> body) {
        return new Background<>(Thread.ofVirtual().name(name), body);
    }

    Thread thread() {
        return thread;
    }

    /**
     * Returns once the thread is parked ({@code WAITING}) with a frame of {@code type} on its
     * stack. Spins with {@link Thread#yield()}, never sleeps; the test's timeout bounds it.
     */
    void awaitParkedIn(Class<?> type) {
        while (true) {
            if (task.isDone()) {
                fail(thread.getName() + " finished instead of parking in " + type.getSimpleName() + ": " + outcome());
            }
            if (thread.getState() == Thread.State.WAITING && hasFrameOf(type.getName())) {
                return;
            }
            Thread.yield();
        }
    }

    private boolean hasFrameOf(String className) {
        for (StackTraceElement e : thread.getStackTrace()) {
            if (e.getClassName().equals(className)) {
                return true;
            }
        }
        return false;
    }

    private String outcome() {
        try {
            return "returned " + task.get();
        } catch (ExecutionException e) {
            return "threw " + e.getCause();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "(interrupted)";
        }
    }

    /**
     * Waits for the task and returns its result; rethrows what it threw. An interrupt (a test
     * timeout) propagates at once rather than waiting for a stuck thread.
     */
    T result() throws Exception {
        T value;
        try {
            value = task.get();
        } catch (ExecutionException e) {
            thread.join(); // the task is done; the thread ends right after it
            if (e.getCause() instanceof Exception x) {
                throw x;
            }
            throw new AssertionError(e.getCause());
        }
        thread.join();
        return value;
    }

    /** Waits for the task and returns what it threw, failing if it returned normally. */
    Throwable failure() throws InterruptedException {
        T value;
        try {
            value = task.get();
        } catch (ExecutionException e) {
            thread.join();
            return e.getCause();
        }
        thread.join();
        return fail("expected " + thread.getName() + " to throw, but it returned " + value);
    }
}

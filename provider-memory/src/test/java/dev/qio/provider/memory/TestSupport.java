package dev.qio.provider.memory;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Small helpers shared by this module's tests. */
final class TestSupport {
    private TestSupport() {}

    private static final AtomicInteger SERIAL = new AtomicInteger();

    /** A {@code mem://} name no other test in this JVM uses (the name table is process-wide). */
    static String uniqueName(String base) {
        return base + "-" + SERIAL.incrementAndGet();
    }

    static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    /** The bytes between 0 and the position of {@code b}, as ASCII. */
    static String written(ByteBuffer b) {
        return new String(b.array(), b.arrayOffset(), b.position(), StandardCharsets.US_ASCII);
    }

    /**
     * A task on its own platform thread, so a test can wait until it is blocked in a given place
     * and then act on it (close, shutdown, interrupt) knowing the wake-up is what is tested.
     */
    static final class Background<T> {
        private final FutureTask<T> task;
        private final Thread thread;

        private Background(String name, Callable<T> body) {
            task = new FutureTask<>(body);
            thread = Thread.ofPlatform().name(name).daemon(true).start(task);
        }

        static <T> Background<T> start(String name, Callable<T> body) {
            return new Background<>(name, body);
        }

        Thread thread() {
            return thread;
        }

        /**
         * Returns once the thread is parked with a frame of {@code className} on its stack: the
         * event "it is blocked there". Spins without sleeping; the test's timeout bounds it.
         */
        void awaitParkedIn(String className) {
            while (true) {
                if (task.isDone()) {
                    fail(thread.getName() + " finished instead of blocking in " + className + ": " + outcome());
                }
                if (thread.getState() == Thread.State.WAITING && hasFrameOf(className)) {
                    return;
                }
                Thread.onSpinWait();
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

        /** The task's result; rethrows what it threw. */
        T result() throws Exception {
            try {
                return task.get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof Exception ex) {
                    throw ex;
                }
                throw e;
            }
        }

        /** What the task threw; fails the test if it returned normally. */
        Throwable failure() throws Exception {
            try {
                T value = task.get(30, TimeUnit.SECONDS);
                return fail(thread.getName() + " should have failed but returned " + value);
            } catch (ExecutionException e) {
                return e.getCause();
            }
        }

        private String outcome() {
            try {
                return "returned " + task.get();
            } catch (ExecutionException e) {
                return "threw " + e.getCause();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted";
            }
        }
    }
}

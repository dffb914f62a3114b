package dev.qio.testkit;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A task of a test on a thread of its own: the call that should block, so the test can wait until
 * it is blocked where it should be and then act on it (close, shut down, interrupt, write) knowing
 * the wake-up is what is tested; or the other end of a conversation, such as an accept whose
 * handshake needs the client this thread opens.
 *
 * <pre>{@code
 * var reader = Background.start("reader", () -> ch.read(ByteBuffer.allocate(8)));
 * reader.awaitBlockedIn(AbstractIoChannel.class);
 * ch.close();
 * assertInstanceOf(AsynchronousCloseException.class, reader.failure());
 * }</pre>
 *
 * <p>Waiting for a blocked thread spins on the thread's state, never sleeps, and fails the test if
 * the task ends instead; the test's own timeout bounds it. {@link #result()} and
 * {@link #failure()} wait at most {@link #HANG_GUARD}. {@link #close()} (a try-with-resources
 * block) closes a result that was not handed over; it does not stop a task that still runs, which
 * ends when the test closes what the task waits on. Platform threads are daemons, so a stuck task
 * never holds the JVM.
 *
 * @param <T> what the task returns
 */
public final class Background<T> implements AutoCloseable {
    /**
     * How long {@link #result()} and {@link #failure()} wait before failing the test: 60 s times
     * {@code -Dqio.timeout.scale}. A guard against a hung task, never a performance bound.
     */
    public static final Duration HANG_GUARD = Kit.timeout(Duration.ofSeconds(60));

    private final CompletableFuture<T> outcome = new CompletableFuture<>();
    private final Thread thread;
    private volatile boolean taken;

    private Background(Thread.Builder builder, Callable<T> task) {
        thread = builder.start(() -> {
            try {
                outcome.complete(task.call());
            } catch (Throwable t) {
                outcome.completeExceptionally(t);
            }
        });
    }

    /** Starts {@code task} on a new daemon platform thread named {@code name}. */
    public static <T> Background<T> start(String name, Callable<T> task) {
        return new Background<>(Thread.ofPlatform().name(name).daemon(true), task);
    }

    /** Starts {@code task} on a new virtual thread named {@code name}. */
    public static <T> Background<T> startVirtual(String name, Callable<T> task) {
        return new Background<>(Thread.ofVirtual().name(name), task);
    }

    /** The thread that runs the task, for example to interrupt it. */
    public Thread thread() {
        return thread;
    }

    /**
     * Whether {@code t} is blocked in a method of {@code type}: a frame of {@code type} is on its
     * stack and it is parked ({@code WAITING} or {@code TIMED_WAITING}) or, for a platform thread,
     * {@code RUNNABLE} in a native method of {@code sun.nio.ch}, as a thread that waits in the
     * kernel is (a blocking read of a FIFO, a selector's {@code epoll_wait}). A virtual thread that
     * waits for I/O parks instead.
     */
    public static boolean isBlockedIn(Thread t, Class<?> type) {
        return isBlocked(t) && hasFrameOf(t, type.getName());
    }

    /**
     * Returns once the task's thread is {@linkplain #isBlockedIn blocked in} a method of
     * {@code type}: the event "it is blocked there".
     *
     * @throws org.opentest4j.AssertionFailedError if the task ends first
     */
    public void awaitBlockedIn(Class<?> type) {
        awaitBlocked(type);
    }

    /**
     * Returns once the task's thread is blocked anywhere, in the sense of {@link #isBlockedIn}
     * without the frame.
     *
     * @throws org.opentest4j.AssertionFailedError if the task ends first
     */
    public void awaitBlocked() {
        awaitBlocked(null);
    }

    /**
     * Returns once the task is blocked or has ended: {@code true} if it blocks, {@code false} if it
     * ended first (a call that cannot wait here, such as a read of a write-only end).
     */
    boolean awaitBlockedOrEnd() {
        while (!outcome.isDone()) {
            if (isBlocked(thread)) {
                return true;
            }
            Thread.onSpinWait();
        }
        return false;
    }

    private void awaitBlocked(Class<?> type) {
        while (true) {
            if (outcome.isDone()) {
                fail(thread.getName() + " finished instead of blocking" + (type == null ? "" : " in " + type.getName())
                        + ": " + outcome());
            }
            if (type == null ? isBlocked(thread) : isBlockedIn(thread, type)) {
                return;
            }
            Thread.onSpinWait();
        }
    }

    /**
     * Waits for the task and returns what it returned, handing it over: {@link #close()} no longer
     * closes it. Rethrows what the task threw, unwrapped.
     *
     * @throws AssertionError if the task does not finish within {@link #HANG_GUARD}
     */
    public T result() throws Exception {
        try {
            T value = outcome.get(HANG_GUARD.toMillis(), TimeUnit.MILLISECONDS);
            taken = true;
            return value;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        } catch (TimeoutException e) {
            throw hung(e);
        }
    }

    /**
     * Waits for the task and returns what it threw.
     *
     * @throws org.opentest4j.AssertionFailedError if the task returned normally
     * @throws AssertionError if the task does not finish within {@link #HANG_GUARD}
     */
    public Throwable failure() throws InterruptedException {
        try {
            T value = outcome.get(HANG_GUARD.toMillis(), TimeUnit.MILLISECONDS);
            return fail(thread.getName() + " should have failed but returned " + value);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (TimeoutException e) {
            throw hung(e);
        }
    }

    /**
     * Waits until the task has ended, at most {@code bound}; then {@link #result()} and
     * {@link #failure()} answer at once. For the kit's liveness checks ({@link Kit#PROMPT}).
     *
     * @param what what should have happened by then, for the message
     * @throws AssertionError if the task still runs: {@code what}, the bound and where the task is
     */
    void awaitEnd(Duration bound, String what) throws InterruptedException {
        try {
            outcome.get(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | CancellationException e) {
            // ended by throwing: also an end
        } catch (TimeoutException e) {
            throw stuck(thread, what + " within " + bound);
        }
    }

    /**
     * Runs {@code task} on a daemon thread named {@code name} and returns what it returned (or
     * throws what it threw), failing as {@link #awaitEnd} does if it has not ended within
     * {@code bound}: a call the contract says returns promptly, checked without trusting it.
     */
    static <T> T within(String name, Duration bound, String what, Callable<T> task) throws Exception {
        Background<T> b = start(name, task);
        b.awaitEnd(bound, what);
        return b.result();
    }

    /**
     * A failure saying {@code what} did not happen, with the stack of {@code t}, the thread that
     * still waits, in the message (reports often show messages only) and as the stack trace.
     */
    static AssertionError stuck(Thread t, String what) {
        StackTraceElement[] stack = t.getStackTrace();
        StringBuilder message = new StringBuilder(what)
                .append(" (the kit's liveness bound; scale it with" + " -Dqio.timeout.scale); ")
                .append(t.getName())
                .append(" is still at:");
        for (int i = 0; i < Math.min(stack.length, 12); i++) {
            message.append("\n\tat ").append(stack[i]);
        }
        AssertionError e = new AssertionError(message.toString());
        e.setStackTrace(stack);
        return e;
    }

    /** Waits until the thread has ended; after {@link #result()} or {@link #failure()}, a moment. */
    public void join() throws InterruptedException {
        thread.join();
    }

    /**
     * Closes the task's result, now or whenever it arrives, if it is {@link AutoCloseable} and
     * {@link #result()} has not handed it over; ignores what closing throws.
     */
    @Override
    public void close() {
        outcome.whenComplete((value, failure) -> {
            if (!taken && value instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // closing is all a test's cleanup can do
                }
            }
        });
    }

    private AssertionError hung(TimeoutException e) {
        return new AssertionError(thread.getName() + " did not finish within " + HANG_GUARD + " (hang guard)", e);
    }

    private String outcome() {
        try {
            return "returned " + outcome.getNow(null);
        } catch (CompletionException | CancellationException e) {
            return "threw " + (e.getCause() != null ? e.getCause() : e);
        }
    }

    private static boolean isBlocked(Thread t) {
        Thread.State s = t.getState();
        if (s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING) {
            return true;
        }
        if (s != Thread.State.RUNNABLE || t.isVirtual()) {
            return false;
        }
        if (dev.qio.channel.spi.linux.Linux.isWaitingInKernel(t)) {
            return true; // the native backend's poll(2): RUNNABLE, and FFM leaves no native frame
        }
        StackTraceElement[] stack = t.getStackTrace();
        return stack.length > 0
                && stack[0].isNativeMethod()
                && stack[0].getClassName().startsWith("sun.nio.ch.");
    }

    private static boolean hasFrameOf(Thread t, String className) {
        for (StackTraceElement e : t.getStackTrace()) {
            if (e.getClassName().equals(className)) {
                return true;
            }
        }
        return false;
    }
}

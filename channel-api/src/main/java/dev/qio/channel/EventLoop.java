package dev.qio.channel;

import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One thread that runs watch callbacks and other tasks in order (GLib's {@code GMainContext} with
 * its loop running).
 *
 * <p>Callbacks of every watch attached to one loop run on its thread one at a time, in the order
 * they became ready, so code that only runs there needs no locking. {@link #shared()} is the loop
 * that {@link IoChannel#addWatch(java.util.Set, WatchCallback)} uses: a daemon thread started on
 * first use and never closed. Loops from {@link #create(String)} are the caller's to {@link #close()}.
 *
 * <p>A task that throws does not stop the loop: the exception goes to the thread's uncaught
 * exception handler and the next task runs.
 */
public final class EventLoop implements Executor, AutoCloseable {
    private static final class SharedHolder {
        static final EventLoop SHARED = new EventLoop("qio-shared-loop");
    }

    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when a task is queued or the loop closes; wakes the loop thread. */
    private final Condition changed = lock.newCondition();
    /** Guarded by {@code lock}. */
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    /** Guarded by {@code lock}. */
    private boolean closed;

    private final Thread thread;

    private EventLoop(String name) {
        thread = Thread.ofPlatform().name(name).daemon(true).unstarted(this::run);
        thread.start();
    }

    /**
     * Starts a new loop on its own daemon thread.
     *
     * @param name the thread's name, shown in thread dumps
     */
    public static EventLoop create(String name) {
        return new EventLoop(Objects.requireNonNull(name, "name"));
    }

    /** The process-wide default loop; closing it is refused. */
    public static EventLoop shared() {
        return SharedHolder.SHARED;
    }

    /**
     * Queues a task to run on this loop's thread after the tasks queued before it.
     *
     * @throws RejectedExecutionException if the loop is closed
     */
    @Override
    public void execute(Runnable task) {
        Objects.requireNonNull(task, "task");
        lock.lock();
        try {
            if (closed) {
                throw new RejectedExecutionException("event loop " + thread.getName() + " is closed");
            }
            tasks.addLast(task);
            changed.signal(); // wakes the loop thread, the only waiter
        } finally {
            lock.unlock();
        }
    }

    /** Whether the calling thread is this loop's thread. */
    public boolean inEventLoop() {
        return Thread.currentThread() == thread;
    }

    /** Whether {@link #close()} has been called. */
    public boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    /** The loop thread's name. */
    public String name() {
        return thread.getName();
    }

    /**
     * Stops the loop: queued tasks that have not started are dropped, the thread ends after the
     * running task, and later {@link #execute} calls are rejected. Waits for the thread to end unless
     * called from the loop itself. Idempotent.
     *
     * @throws UnsupportedOperationException on {@link #shared()}
     */
    @Override
    public void close() {
        if (this == SharedHolder.SHARED) {
            throw new UnsupportedOperationException("the shared event loop cannot be closed");
        }
        lock.lock();
        try {
            closed = true;
            tasks.clear();
            changed.signal(); // wakes the loop thread so it sees 'closed' and ends
        } finally {
            lock.unlock();
        }
        if (!inEventLoop()) {
            boolean interrupted = false;
            while (thread.isAlive()) {
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        while (true) {
            Runnable task;
            lock.lock();
            try {
                while (tasks.isEmpty() && !closed) {
                    changed.awaitUninterruptibly();
                }
                if (closed) {
                    return;
                }
                task = tasks.removeFirst();
            } finally {
                lock.unlock();
            }
            try {
                task.run();
            } catch (Throwable t) {
                thread.getUncaughtExceptionHandler().uncaughtException(thread, t);
            }
        }
    }

    @Override
    public String toString() {
        return "EventLoop[" + thread.getName() + "]";
    }
}

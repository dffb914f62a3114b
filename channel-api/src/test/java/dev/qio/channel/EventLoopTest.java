package dev.qio.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link EventLoop}: one named thread, FIFO tasks, and a close that joins it. */
@Timeout(60)
class EventLoopTest {
    private final List<EventLoop> created = new ArrayList<>();

    private EventLoop loop(String name) {
        EventLoop loop = EventLoop.create(name);
        created.add(loop);
        return loop;
    }

    @AfterEach
    void closeLoops() {
        created.forEach(EventLoop::close);
    }

    /** Runs {@code task} on {@code loop} and waits until it has run. */
    private static void runOn(EventLoop loop, Runnable task) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        loop.execute(() -> {
            try {
                task.run();
            } finally {
                done.countDown();
            }
        });
        done.await();
    }

    /** The loop's thread, captured by a task running on it. */
    private static Thread threadOf(EventLoop loop) throws InterruptedException {
        AtomicReference<Thread> thread = new AtomicReference<>();
        runOn(loop, () -> thread.set(Thread.currentThread()));
        return thread.get();
    }

    @Test
    void tasksRunInSubmissionOrder() throws Exception {
        EventLoop loop = loop("qio-test-order");
        List<Integer> ran = Collections.synchronizedList(new ArrayList<>());

        for (int i = 0; i < 200; i++) {
            int n = i;
            loop.execute(() -> ran.add(n));
        }
        runOn(loop, () -> {});

        assertEquals(IntStream.range(0, 200).boxed().toList(), ran);
    }

    @Test
    void tasksRunOnOneThreadNamedAsGiven() throws Exception {
        EventLoop loop = loop("qio-test-named");
        List<Thread> threads = Collections.synchronizedList(new ArrayList<>());

        for (int i = 0; i < 20; i++) {
            loop.execute(() -> threads.add(Thread.currentThread()));
        }
        runOn(loop, () -> {});

        assertEquals(20, threads.size());
        assertEquals(1, threads.stream().distinct().count(), "every task ran on the same thread");
        assertEquals("qio-test-named", threads.getFirst().getName());
        assertEquals("qio-test-named", loop.name());
    }

    @Test
    void inEventLoopIsTrueOnlyOnTheLoopThread() throws Exception {
        EventLoop loop = loop("qio-test-in-loop");
        EventLoop other = loop("qio-test-other");
        AtomicBoolean insideOwn = new AtomicBoolean();
        AtomicBoolean insideOther = new AtomicBoolean(true);

        runOn(loop, () -> {
            insideOwn.set(loop.inEventLoop());
            insideOther.set(other.inEventLoop());
        });

        assertTrue(insideOwn.get());
        assertFalse(insideOther.get(), "another loop's thread is not this loop's");
        assertFalse(loop.inEventLoop(), "the test thread is not the loop's");
    }

    @Test
    void aTaskThatThrowsDoesNotStopTheLoop() throws Exception {
        EventLoop loop = loop("qio-test-throws");
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        AtomicReference<Throwable> reported = new AtomicReference<>();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> {
            if (t.getName().equals("qio-test-throws")) {
                reported.set(e);
            } else if (previous != null) {
                previous.uncaughtException(t, e);
            }
        });
        try {
            IllegalStateException boom = new IllegalStateException("boom (expected by the test)");
            AtomicBoolean nextRan = new AtomicBoolean();

            loop.execute(() -> {
                throw boom;
            });
            runOn(loop, () -> nextRan.set(true));

            assertTrue(nextRan.get(), "the task after the failing one ran");
            assertSame(boom, reported.get(), "the failure went to the uncaught exception handler");
        } finally {
            Thread.setDefaultUncaughtExceptionHandler(previous);
        }
    }

    @Test
    void executeAfterCloseIsRejected() {
        EventLoop loop = loop("qio-test-reject");

        loop.close();

        assertTrue(loop.isClosed());
        RejectedExecutionException e = assertThrows(RejectedExecutionException.class, () -> loop.execute(() -> {}));
        assertTrue(e.getMessage().contains("qio-test-reject"), e.getMessage());
    }

    @Test
    void closeJoinsTheLoopThread() throws Exception {
        EventLoop loop = loop("qio-test-join");
        Thread thread = threadOf(loop);

        loop.close();

        assertFalse(thread.isAlive());
    }

    @Test
    void closeIsIdempotent() {
        EventLoop loop = loop("qio-test-idempotent");

        loop.close();
        loop.close();

        assertTrue(loop.isClosed());
    }

    @Test
    void closeFromInsideATaskEndsTheLoopAfterThatTask() throws Exception {
        EventLoop loop = loop("qio-test-self-close");
        Thread thread = threadOf(loop);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicBoolean finishedTask = new AtomicBoolean();

        loop.execute(() -> {
            try {
                loop.close();
                finishedTask.set(true);
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        thread.join();

        assertNull(failure.get());
        assertTrue(finishedTask.get(), "close() from the loop thread returned instead of waiting for itself");
        assertTrue(loop.isClosed());
        assertThrows(RejectedExecutionException.class, () -> loop.execute(() -> {}));
    }

    @Test
    void closeDropsQueuedTasksThatHaveNotStarted() throws Exception {
        EventLoop loop = loop("qio-test-drop");
        Thread thread = threadOf(loop);
        CountDownLatch go = new CountDownLatch(1);
        AtomicBoolean laterRan = new AtomicBoolean();

        loop.execute(() -> {
            try {
                go.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            loop.close();
        });
        loop.execute(() -> laterRan.set(true)); // queued behind the closing task
        go.countDown();
        thread.join();

        assertFalse(laterRan.get());
    }

    @Test
    void sharedLoopIsOneInstance() {
        assertSame(EventLoop.shared(), EventLoop.shared());
    }

    @Test
    void sharedLoopCannotBeClosedAndKeepsRunning() throws Exception {
        EventLoop shared = EventLoop.shared();

        assertThrows(UnsupportedOperationException.class, shared::close);

        assertFalse(shared.isClosed());
        AtomicBoolean ran = new AtomicBoolean();
        runOn(shared, () -> ran.set(true));
        assertTrue(ran.get());
    }

    @Test
    void createRefusesANullName() {
        NullPointerException e = assertThrows(NullPointerException.class, () -> EventLoop.create(null));

        assertNotNull(e.getMessage());
    }
}

package dev.qio.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qio.channel.IoChannel;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The first failure of any thread ends the try and is the one reported. */
@Timeout(60)
class ConcurrentlyTest {
    @Test
    void theFirstFailureClosesThePairAndWakesAReaderWaitingForTheFailedWriter() throws Exception {
        IoChannel[] ends = PipeChannel.pair("first-failure", 1024);
        AssertionError writerFailed = new AssertionError("the writer's own assertion");
        // The reader's end closes first: closing the writer's end first would let the reader see
        // EOF in between and return without an exception.
        Throwable reported = assertThrows(
                Throwable.class,
                () -> Concurrently.run(
                        () -> {
                            ends[1].close();
                            ends[0].close();
                        },
                        () -> {
                            throw writerFailed;
                        },
                        () -> ends[1].read(ByteBuffer.allocate(8)))); // waits for bytes the writer never sends
        assertSame(writerFailed, reported);
        assertTrue(
                Arrays.stream(reported.getSuppressed()).anyMatch(ClosedChannelException.class::isInstance),
                "the woken reader's exception is attached: " + Arrays.toString(reported.getSuppressed()));
    }

    @Test
    void theFirstFailureInterruptsAThreadWaitingOnALatch() {
        CountDownLatch never = new CountDownLatch(1);
        AtomicInteger closed = new AtomicInteger();
        IllegalStateException first = new IllegalStateException("first");
        Throwable reported = assertThrows(
                Throwable.class,
                () -> Concurrently.run(closed::incrementAndGet, never::await, () -> {
                    throw first;
                }));
        assertSame(first, reported);
        assertEquals(1, closed.get(), "the stop resource is closed once");
        assertInstanceOf(InterruptedException.class, reported.getSuppressed()[0]);
    }

    @Test
    void withoutAFailureItWaitsForEveryAction() throws Throwable {
        AtomicInteger done = new AtomicInteger();
        AtomicInteger closed = new AtomicInteger();
        CountDownLatch second = new CountDownLatch(1);
        Concurrently.run(
                closed::incrementAndGet,
                () -> {
                    second.await();
                    done.incrementAndGet();
                },
                () -> {
                    done.incrementAndGet();
                    second.countDown();
                });
        assertEquals(2, done.get());
        assertEquals(0, closed.get(), "nothing failed, so nothing is stopped");
    }
}

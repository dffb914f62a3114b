package dev.qio.channel.spi;

import static dev.qio.channel.spi.ScriptedChannel.bytes;
import static dev.qio.channel.spi.ScriptedChannel.eof;
import static dev.qio.channel.spi.ScriptedChannel.fail;
import static dev.qio.channel.spi.ScriptedChannel.pattern;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qio.channel.Feature;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Threads and {@link AbstractIoChannel}: close while a hook is blocked, and the per-direction
 * locks (one read and one write at a time). Hooks are held with {@link ScriptedChannel.Gate}s.
 */
@Timeout(60)
class AbstractIoChannelConcurrencyTest {
    private static final String NAME = "scripted://threads";

    /** Holds a hook until the channel's implClose runs, then does {@code then}. */
    private static ScriptedChannel.Gate untilClosed(
            ScriptedChannel ch, CountDownLatch entered, ScriptedChannel.Step then) {
        return new ScriptedChannel.Gate(entered, ch.implClosed, then);
    }

    @Test
    void closeWakesAReadBlockedInTheHookWithAsynchronousCloseException() throws Exception {
        ScriptedChannel ch = new ScriptedChannel(NAME);
        CountDownLatch inHook = new CountDownLatch(1);
        ch.reads(untilClosed(ch, inHook, eof()));

        Background<Long> reader = Background.start("reader", () -> ch.readv(ByteBuffer.allocate(4)));
        inHook.await();
        ch.close(); // would deadlock if close waited for the read lock: the hook waits for implClose

        Throwable t = reader.failure();
        assertInstanceOf(AsynchronousCloseException.class, t);
        assertTrue(t.getMessage().contains(NAME), t.getMessage());
    }

    @Test
    void aHookFailureCausedByCloseIsReportedAsAsynchronousCloseWithTheFailureAsCause() throws Exception {
        ScriptedChannel ch = new ScriptedChannel(NAME);
        CountDownLatch inHook = new CountDownLatch(1);
        ScriptedChannel.Step failure = fail("Bad file descriptor");
        ch.reads(untilClosed(ch, inHook, failure));

        Background<Long> reader = Background.start("reader", () -> ch.readv(ByteBuffer.allocate(4)));
        inHook.await();
        ch.close();

        Throwable t = reader.failure();
        assertInstanceOf(AsynchronousCloseException.class, t);
        assertSame(((ScriptedChannel.Fail) failure).error(), t.getCause());
    }

    @Test
    void closeWakesAWriteAllBlockedInTheHookWithAsynchronousCloseException() throws Exception {
        ScriptedChannel ch = new ScriptedChannel(NAME);
        CountDownLatch inHook = new CountDownLatch(1);
        ch.writes(untilClosed(ch, inHook, fail("Broken pipe")));

        Background<Void> writer = Background.start("writer", () -> {
            ch.writeAll(ByteBuffer.allocate(4));
            return null;
        });
        inHook.await();
        ch.close();

        assertInstanceOf(AsynchronousCloseException.class, writer.failure());
    }

    @Test
    void aSecondReaderWaitsUntilTheFirstLeavesTheHook() throws Exception {
        ScriptedChannel ch = new ScriptedChannel(NAME);
        CountDownLatch firstInHook = new CountDownLatch(1);
        CountDownLatch releaseFirst = new CountDownLatch(1);
        ch.reads(new ScriptedChannel.Gate(firstInHook, releaseFirst, bytes(2)), bytes(2));
        ByteBuffer first = ByteBuffer.allocate(2);
        ByteBuffer second = ByteBuffer.allocate(2);

        Background<Long> reader1 = Background.start("reader-1", () -> ch.readv(first));
        firstInHook.await();
        Background<Long> reader2 = Background.start("reader-2", () -> ch.readv(second));
        reader2.awaitParkedIn(ReentrantLock.class);
        assertEquals(1, ch.readCalls.get(), "the second reader must not enter the hook yet");
        releaseFirst.countDown();

        assertEquals(2, reader1.result());
        assertEquals(2, reader2.result());
        assertArrayEquals(pattern(0, 2), first.array(), "the first reader's bytes came first");
        assertArrayEquals(pattern(2, 2), second.array());
    }

    @Test
    void aReadAllHoldsTheReadDirectionForTheWholeMessage() throws Exception {
        ScriptedChannel ch = new ScriptedChannel(NAME);
        CountDownLatch inHook = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ch.reads(bytes(2), new ScriptedChannel.Gate(inHook, release, bytes(2)), bytes(3));
        ByteBuffer message = ByteBuffer.allocate(4);
        ByteBuffer other = ByteBuffer.allocate(3);

        Background<Boolean> whole = Background.start("read-all", () -> ch.readAllEof(message));
        inHook.await();
        Background<Long> single = Background.start("read-one", () -> ch.readv(other));
        single.awaitParkedIn(ReentrantLock.class);
        release.countDown();

        assertTrue(whole.result());
        assertEquals(3, single.result());
        assertArrayEquals(pattern(0, 4), message.array(), "no other read landed inside the message");
        assertArrayEquals(pattern(4, 3), other.array());
    }

    @Test
    void aWriteProceedsWhileAReadIsBlockedInTheHook() throws Exception {
        ScriptedChannel ch = new ScriptedChannel(NAME, Feature.CONCURRENT_IO);
        CountDownLatch inHook = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ch.reads(new ScriptedChannel.Gate(inHook, release, bytes(1)));
        ch.writes(bytes(3));

        Background<Long> reader = Background.start("reader", () -> ch.readv(ByteBuffer.allocate(1)));
        inHook.await();
        long written = ch.writev(ByteBuffer.wrap(new byte[] {1, 2, 3}));
        release.countDown();

        assertEquals(3, written);
        assertEquals(1, reader.result());
    }

    @Test
    void toStringNamesTheChannelAndMarksItClosed() throws IOException {
        ScriptedChannel ch = new ScriptedChannel(NAME);
        assertEquals("ScriptedChannel[" + NAME + "]", ch.toString());

        ch.close();

        assertEquals("ScriptedChannel[" + NAME + ", closed]", ch.toString());
    }
}

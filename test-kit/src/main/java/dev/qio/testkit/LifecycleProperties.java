package dev.qio.testkit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoCondition;
import dev.qio.channel.Shutdown;
import dev.qio.channel.Whence;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.function.Executable;

/** Close is idempotent, I/O after close is refused, and close wakes whoever is blocked. */
final class LifecycleProperties {
    private LifecycleProperties() {}

    /** Closing twice is harmless, and every operation afterwards throws ClosedChannelException. */
    static void ioAfterClose(ChannelFixture fixture) throws Throwable {
        try (ChannelPair pair = fixture.open()) {
            IoChannel ch = pair.writer();
            ch.close();
            ch.close();
            assertFalse(ch.isOpen(), ch.name() + ": isOpen after close");
            ByteBuffer b = ByteBuffer.allocate(8);
            ByteBuffer[] iov = {b};
            Map<String, Executable> ops = new java.util.LinkedHashMap<>();
            ops.put("read", () -> ch.read(b));
            ops.put("readv", () -> ch.readv(iov));
            ops.put("readvAll", () -> ch.readvAll(iov));
            ops.put("readvAllEof", () -> ch.readvAllEof(iov));
            ops.put("readv(fds)", () -> ch.readv(iov, null, Set.of()));
            ops.put("write", () -> ch.write(b));
            ops.put("writev", () -> ch.writev(iov));
            ops.put("writevAll", () -> ch.writevAll(iov));
            ops.put("setBlocking", () -> ch.setBlocking(false));
            ops.put("await", () -> ch.await(IoCondition.IN));
            ops.put("shutdown", () -> ch.shutdown(Shutdown.BOTH));
            ops.put("seek", () -> ch.seek(0, Whence.SET));
            ops.put("preadv", () -> ch.preadv(iov, 0));
            ops.put("pwritev", () -> ch.pwritev(iov, 0));
            ops.put("flush", ch::flush);
            List<String> wrong = new ArrayList<>();
            for (var op : ops.entrySet()) {
                try {
                    op.getValue().execute();
                    wrong.add(op.getKey() + " succeeded");
                } catch (ClosedChannelException expected) {
                    // what the contract asks for
                } catch (Throwable t) {
                    wrong.add(op.getKey() + " threw " + t);
                }
            }
            assertTrue(
                    wrong.isEmpty(),
                    ch.name() + ": after close every operation must throw ClosedChannelException: " + wrong);
            assertFalse(
                    ch.addWatch(Set.of(IoCondition.OUT), (c, r) -> true).isActive(),
                    ch.name() + ": a watch added after close must be inactive");
        }
    }

    /** Close from another thread wakes {@code waiter}, reading a starved channel, with ClosedChannelException. */
    static void closeWakesReader(ChannelFixture fixture, Waiters.Waiter waiter) throws Throwable {
        try (ChannelPair pair = fixture.open()) {
            Waiters.closeWakes(pair.reader(), waiter);
        }
    }

    /** Close from another thread wakes a writer blocked on a full channel. */
    static void closeWakesWriter(ChannelFixture fixture) throws Throwable {
        try (ChannelPair pair = fixture.open()) {
            IoChannel w = pair.writer();
            BlockingProperties.fill(w, fixture);
            ByteBuffer chunk = ByteBuffer.allocate(64 << 10);
            w.setBlocking(true);
            // Writes until one blocks for good: a TCP sender can find a little room again after
            // its first EAGAIN (the receiver's kernel compacts its queue), and a single blocked
            // write would then return a partial count before the close, not throw.
            Background<Object> writer = Background.start("qio-kit-writer", () -> {
                while (true) {
                    w.write(chunk.clear());
                }
            });
            Waiters.wake(writer, w.name() + ": close", "a writer blocked in write", w::close);
            assertInstanceOf(
                    ClosedChannelException.class,
                    writer.failure(),
                    w.name() + ": a write blocked when another thread closes must throw ClosedChannelException");
        }
    }
}

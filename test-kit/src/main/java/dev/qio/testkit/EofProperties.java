package dev.qio.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qio.channel.IoChannel;
import java.io.EOFException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * End of stream: {@code readvAllEof} is {@code false} for EOF before any byte and throws
 * {@link EOFException} after some; {@code readvAll} throws on any EOF; plain reads return EOF and
 * keep returning it (QEMU's {@code readv_full_all_eof} and {@code readv_full_all}).
 */
final class EofProperties {
    private EofProperties() {}

    /** {@code written} bytes, then end of stream; the reader asks for {@code want} in one iov. */
    record EofCase(int written, int want, boolean throwing, Layout layout, long seed) {}

    static void run(ChannelFixture fixture, EofCase c, boolean blocking) throws Throwable {
        byte[] data = Inputs.payload(c.written(), c.seed());
        try (ChannelPair pair = fixture.open()) {
            IoChannel w = pair.writer();
            Kit.Body writeAndFinish = () -> {
                w.writeAll(ByteBuffer.wrap(data));
                pair.finishWriting();
            };
            if (Kit.has(fixture, Capability.CONCURRENT)) {
                IoChannel r = pair.reader();
                r.setBlocking(blocking);
                Concurrently.run(pair, writeAndFinish::run, () -> readSide(r, c, data));
            } else {
                writeAndFinish.run();
                IoChannel r = pair.reader();
                r.setBlocking(blocking);
                readSide(r, c, data);
            }
        }
    }

    private static void readSide(IoChannel r, EofCase c, byte[] data) throws Exception {
        ByteBuffer[] iov = flatten(c.layout().calls(c.want(), null, false));
        if (c.written() >= c.want()) {
            if (c.throwing()) {
                r.readvAll(iov);
            } else {
                assertTrue(r.readvAllEof(iov), r.name() + ": readvAllEof must be true when every byte arrived");
            }
            assertArrayEquals(java.util.Arrays.copyOf(data, c.want()), contents(iov), r.name() + ": bytes read");
            ByteBuffer rest = ByteBuffer.allocate(c.written() - c.want());
            r.readAll(rest);
        } else if (c.written() == 0 && !c.throwing()) {
            assertFalse(r.readvAllEof(iov), r.name() + ": readvAllEof must be false at EOF before any byte");
            assertEquals(0, contents(iov).length, r.name() + ": nothing may land in the iov at a clean EOF");
        } else {
            EOFException e = assertThrows(
                    EOFException.class,
                    () -> {
                        if (c.throwing()) {
                            r.readvAll(iov);
                        } else {
                            r.readvAllEof(iov);
                        }
                    },
                    r.name() + ": EOF after " + c.written() + " of " + c.want() + " bytes must throw EOFException");
            assertTrue(
                    e.getMessage() != null && e.getMessage().contains(r.name()),
                    "the EOFException names the channel: " + e.getMessage());
        }
        RoundTrip.expectEof(r);
    }

    /** An empty source ({@code null:}): every read style reports EOF at once, in both modes. */
    static void emptySource(ChannelFixture fixture, boolean blocking, int want) throws Throwable {
        try (ChannelPair pair = fixture.open()) {
            IoChannel r = pair.reader();
            r.setBlocking(blocking);
            RoundTrip.expectEof(r);
            ByteBuffer[] iov = {ByteBuffer.allocate(want)};
            assertFalse(r.readvAllEof(iov), r.name() + ": readvAllEof on an empty source");
            assertThrows(EOFException.class, () -> r.readvAll(iov), r.name() + ": readvAll on an empty source");
            assertThrows(EOFException.class, () -> r.readAll(ByteBuffer.allocate(want)));
        }
    }

    /**
     * A known source: read through the layout's iovs, raw or with {@code readvAll}, the reader
     * gives exactly the fixture's bytes, then EOF.
     */
    static void knownSource(ChannelFixture fixture, boolean blocking, Layout layout, boolean raw) throws Throwable {
        byte[] expected = fixture.knownSource();
        byte[] got = new byte[expected.length];
        try (ChannelPair pair = fixture.open()) {
            IoChannel r = pair.reader();
            r.setBlocking(blocking);
            RoundTrip.read(r, new Inputs.Transfer(expected.length, 0, layout, layout, raw, raw), got);
            RoundTrip.expectEof(r);
        }
        RoundTrip.assertSame(expected, got);
    }

    /** A discarding sink ({@code null:}): every write is taken whole at once, in both modes. */
    static void discardingSink(ChannelFixture fixture, boolean blocking, Inputs.Transfer t) throws Throwable {
        try (ChannelPair pair = fixture.open()) {
            IoChannel w = pair.writer();
            w.setBlocking(blocking);
            for (ByteBuffer[] iov : t.write().calls(t.size(), t.data(), true)) {
                long want = CheckedIo.remaining(iov);
                assertEquals(want, CheckedIo.writev(w, iov), w.name() + ": a discarding sink takes every byte");
            }
        }
    }

    static ByteBuffer[] flatten(List<ByteBuffer[]> calls) {
        List<ByteBuffer> all = new ArrayList<>();
        for (ByteBuffer[] iov : calls) {
            all.addAll(List.of(iov));
        }
        return all.toArray(ByteBuffer[]::new);
    }

    static byte[] contents(ByteBuffer[] iov) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (ByteBuffer b : iov) {
            ByteBuffer d = b.duplicate().flip();
            byte[] chunk = new byte[d.remaining()];
            d.get(chunk);
            out.writeBytes(chunk);
        }
        return out.toByteArray();
    }
}

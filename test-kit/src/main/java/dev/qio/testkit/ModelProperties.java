package dev.qio.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.qio.channel.IoChannel;
import dev.qio.channel.Whence;
import dev.qio.testkit.property.Gen;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Model-based properties: random sequences of operations, each result checked against a model.
 * The stream model is a count of bytes written and read over a known byte stream; the seekable
 * model is a byte array with a position.
 */
final class ModelProperties {
    private ModelProperties() {}

    /** One step of a stream program: write or read up to {@code length} bytes, without blocking. */
    record StreamOp(boolean write, int length, BufferKind kind) {}

    static Gen<List<StreamOp>> streamPrograms() {
        Gen<StreamOp> op = c -> new StreamOp(
                c.drawBoolean(),
                Gen.sizes(100_000).next(c),
                Gen.elements(BufferKind.values()).next(c));
        return Gen.listOf(op, 1, 40);
    }

    /**
     * Runs the program on a pair in non-blocking mode on one thread, then finishes writing and
     * drains with blocking reads. Every byte read must be the next unread byte of what was
     * written; the drain must end in EOF exactly after the last written byte.
     */
    static void stream(ChannelFixture fixture, List<StreamOp> program, long seed) throws Throwable {
        try (ChannelPair pair = fixture.open()) {
            IoChannel w = pair.writer();
            IoChannel r = pair.reader();
            w.setBlocking(false);
            r.setBlocking(false);
            SeededStream out = new SeededStream(seed);
            SeededStream expect = new SeededStream(seed);
            long[] written = {0};
            long[] read = {0};
            AtomicLong steps = new AtomicLong();
            // On a helper thread watched for progress: every step is a non-blocking call that must
            // return within Kit.PROMPT, and one that waits for the peer would wait for ever.
            Concurrently.run(pair, steps::get, "the steps of the program done", () -> {
                for (StreamOp op : program) {
                    ByteBuffer b = op.kind().allocate(op.length());
                    if (op.write()) {
                        b.put(out.bytes(written[0], op.length())).flip();
                        long n = CheckedIo.writev(w, new ByteBuffer[] {b});
                        if (n > 0) {
                            written[0] += n;
                        }
                    } else {
                        long n = CheckedIo.readv(r, new ByteBuffer[] {b});
                        if (n == IoChannel.EOF) {
                            fail(r.name() + ": EOF while the writer is open, after " + read[0] + " of " + written[0]
                                    + " bytes");
                        }
                        if (n > 0) {
                            checkNext(r, b, expect, read[0]);
                            read[0] += n;
                        }
                    }
                    assertTrue(read[0] <= written[0], "read more than was written");
                    steps.incrementAndGet();
                }
            });
            r.setBlocking(true);
            w.setBlocking(true);
            pair.finishWriting();
            ByteBuffer rest = ByteBuffer.allocate(64 << 10);
            while (true) {
                long n = r.read(rest.clear());
                if (n == IoChannel.EOF) {
                    break;
                }
                checkNext(r, rest, expect, read[0]);
                read[0] += n;
            }
            assertEquals(written[0], read[0], r.name() + ": bytes read before EOF");
        }
    }

    /** Checks that {@code got}, from 0 to its position, is the stream from {@code at}. */
    private static void checkNext(IoChannel r, ByteBuffer got, SeededStream expect, long at) {
        if (expect.mismatch(got, at) >= 0) {
            fail(r.name() + ": the " + got.position() + " bytes read at stream offset " + at
                    + " are not the next bytes written (lost, reordered or duplicated data)");
        }
    }

    /** One step of a seekable program. */
    sealed interface SeekOp {
        record Write(int length) implements SeekOp {}

        record Read(int length) implements SeekOp {}

        record Seek(long offset, Whence whence) implements SeekOp {}

        record Pread(int length, long offset) implements SeekOp {}

        record Pwrite(int length, long offset) implements SeekOp {}
    }

    static Gen<List<SeekOp>> seekPrograms() {
        Gen<Integer> len = Gen.sizes(5000);
        Gen<Long> off = Gen.longs(0, 12_000);
        Gen<SeekOp> op = Gen.<SeekOp>frequency()
                .add(3, c -> new SeekOp.Write(len.next(c)))
                .add(3, c -> new SeekOp.Read(len.next(c)))
                .add(2, c -> {
                    Whence wh = Gen.elements(Whence.values()).next(c);
                    long o = off.next(c) - (wh == Whence.SET ? 0 : 6000);
                    return new SeekOp.Seek(o, wh);
                })
                .add(1, c -> new SeekOp.Pread(len.next(c), off.next(c)))
                .add(1, c -> new SeekOp.Pwrite(len.next(c), off.next(c)));
        return Gen.listOf(op, 1, 30);
    }

    /** Runs a seekable program on the writer (which must also read) against a byte-array model. */
    static void seekable(ChannelFixture fixture, List<SeekOp> program, long seed) throws Throwable {
        try (ChannelPair pair = fixture.open()) {
            org.junit.jupiter.api.Assumptions.assumeTrue(
                    pair.isLoopback(),
                    () -> "fixture '" + fixture.name()
                            + "' is not a loopback: the SEEKABLE model reads and writes one channel");
            IoChannel ch = pair.writer();
            Model m = new Model();
            int step = 0;
            for (SeekOp op : program) {
                String at = ch.name() + " step " + step++ + " " + op + " (model position " + m.pos + ", size " + m.size
                        + ")";
                switch (op) {
                    case SeekOp.Write(int n) -> {
                        byte[] data = Inputs.payload(n, seed + step);
                        ByteBuffer b = ByteBuffer.wrap(data);
                        ch.writeAll(b);
                        m.write(m.pos, data);
                        m.pos += n;
                    }
                    case SeekOp.Read(int n) -> {
                        ByteBuffer b = ByteBuffer.allocate(n);
                        long got = CheckedIo.readv(ch, new ByteBuffer[] {b});
                        m.pos += m.checkRead(at, got, b, m.pos, n);
                    }
                    case SeekOp.Seek(long o, Whence wh) -> {
                        long base = switch (wh) {
                            case SET -> 0;
                            case CUR -> m.pos;
                            case END -> m.size;
                        };
                        if (base + o < 0) {
                            try {
                                ch.seek(o, wh);
                                fail(at + ": a seek to a negative position must be refused");
                            } catch (IllegalArgumentException expected) {
                                continue;
                            }
                        }
                        assertEquals(base + o, ch.seek(o, wh), at + ": new position");
                        m.pos = base + o;
                    }
                    case SeekOp.Pread(int n, long o) -> {
                        ByteBuffer b = ByteBuffer.allocate(n);
                        long got = ch.preadv(new ByteBuffer[] {b}, o);
                        m.checkRead(at, got, b, o, n);
                    }
                    case SeekOp.Pwrite(int n, long o) -> {
                        byte[] data = Inputs.payload(n, ~(seed + step));
                        ByteBuffer b = ByteBuffer.wrap(data);
                        long done = 0;
                        while (b.hasRemaining()) {
                            long k = ch.pwritev(new ByteBuffer[] {b}, o + done);
                            assertTrue(k > 0, at + ": pwritev returned " + k);
                            done += k;
                        }
                        m.write(o, data);
                    }
                }
                assertEquals(m.pos, ch.seek(0, Whence.CUR), at + ": position after the step");
            }
        }
    }

    /** The seekable model: bytes, size and position; gaps read as zeros. */
    private static final class Model {
        byte[] bytes = new byte[0];
        long size;
        long pos;

        void write(long at, byte[] data) {
            long end = at + data.length;
            if (data.length == 0) {
                return;
            }
            if (end > bytes.length) {
                bytes = Arrays.copyOf(bytes, (int) Math.max(end, bytes.length * 2L));
            }
            System.arraycopy(data, 0, bytes, (int) at, data.length);
            size = Math.max(size, end);
        }

        /** Checks a read of up to {@code n} bytes at {@code at}; returns how far the position moves. */
        long checkRead(String where, long got, ByteBuffer b, long at, int n) {
            if (n == 0) {
                assertEquals(0, got, where + ": an empty read");
                return 0;
            }
            if (at >= size) {
                assertEquals(IoChannel.EOF, got, where + ": a read at or past the end");
                return 0;
            }
            long avail = Math.min(n, size - at);
            assertTrue(got > 0 && got <= avail, where + ": read " + got + " bytes, " + avail + " available");
            byte[] expected = Arrays.copyOfRange(bytes, (int) at, (int) (at + got));
            byte[] actual = Arrays.copyOf(b.array(), (int) got);
            if (!Arrays.equals(expected, actual)) {
                fail(where + ": bytes differ from the model (a gap must read as zeros; writes land at the position)");
            }
            return got;
        }
    }
}

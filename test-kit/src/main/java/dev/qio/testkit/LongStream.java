package dev.qio.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.qio.channel.IoChannel;
import dev.qio.testkit.property.Gen;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stream far longer than the round trips send, through one pair: {@link #BYTES} of seeded bytes
 * ({@link SeededStream}), cut into random iovs on both sides, through raw calls or the
 * {@code *All} loops. The reader checks every byte as it arrives against the regenerated stream,
 * so a byte corrupted, lost or repeated once every few MiB (a counter that wraps, a ring index
 * that slips at its end) is reported at its offset, and neither side keeps the stream in memory.
 * Concurrent pairs must keep moving: a stall of {@link Kit#PROMPT} with both threads alive fails.
 */
final class LongStream {
    private LongStream() {}

    /** How much one try sends: 64 MiB. */
    static final long BYTES = 64L << 20;

    /** One try: the stream's seed, how each side cuts it, and which calls each side makes. */
    record Case(long seed, Layout write, Layout read, boolean rawWrite, boolean rawRead) {}

    static Gen<Case> cases() {
        Gen<Layout> layout = layouts();
        return c -> new Case(
                Gen.longs(0, Long.MAX_VALUE).next(c), layout.next(c), layout.next(c), c.drawBoolean(), c.drawBoolean());
    }

    /**
     * Layouts whose every cycle holds at least one buffer of 16 KiB or more, so 64 MiB is a few
     * thousand calls, not millions, on every provider; the rest of the cycle is as varied as the
     * round trip's, empty buffers included.
     */
    static Gen<Layout> layouts() {
        Gen<Integer> large = Gen.ints(16 << 10, 256 << 10);
        Gen<Integer> any = Gen.<Integer>frequency()
                .add(1, Gen.constant(0))
                .add(2, Gen.sizes(8192))
                .add(2, Gen.ints(8192, 256 << 10));
        Gen<List<Integer>> others = Gen.listOf(any, 0, 5);
        Gen<BufferKind> kind = Gen.elements(BufferKind.values());
        return c -> {
            List<Integer> pieces = new ArrayList<>();
            pieces.add(large.next(c));
            pieces.addAll(others.next(c));
            return new Layout(pieces, Gen.ints(1, 16).next(c), kind.next(c));
        };
    }

    static void run(ChannelFixture fixture, Case c, boolean blocking) throws Throwable {
        try (ChannelPair pair = fixture.open()) {
            IoChannel w = pair.writer();
            w.setBlocking(blocking);
            AtomicLong read = new AtomicLong();
            if (Kit.has(fixture, Capability.CONCURRENT)) {
                IoChannel r = pair.reader();
                r.setBlocking(blocking);
                Concurrently.run(
                        pair,
                        read::get,
                        "bytes read of " + BYTES,
                        () -> {
                            write(w, c);
                            pair.finishWriting();
                        },
                        () -> {
                            read(r, c, read);
                            RoundTrip.expectEof(r);
                        });
            } else {
                write(w, c);
                pair.finishWriting();
                IoChannel r = pair.reader();
                r.setBlocking(blocking);
                read(r, c, read);
                RoundTrip.expectEof(r);
            }
        }
    }

    private static void write(IoChannel w, Case c) throws Exception {
        SeededStream data = new SeededStream(c.seed());
        Buffers buffers = new Buffers(c.write());
        Layout.Cursor cursor = c.write().cursor();
        long sent = 0;
        while (sent < BYTES) {
            ByteBuffer[] iov = buffers.next(cursor.next(BYTES - sent));
            for (ByteBuffer b : iov) {
                data.fill(b, sent);
                sent += b.limit();
            }
            if (c.rawWrite()) {
                CheckedIo.writeFully(w, iov);
            } else {
                w.writevAll(iov);
            }
        }
    }

    private static void read(IoChannel r, Case c, AtomicLong read) throws Exception {
        SeededStream expected = new SeededStream(c.seed());
        Buffers buffers = new Buffers(c.read());
        Layout.Cursor cursor = c.read().cursor();
        while (read.get() < BYTES) {
            ByteBuffer[] iov = buffers.next(cursor.next(BYTES - read.get()));
            if (c.rawRead()) {
                if (!CheckedIo.readFully(r, iov)) {
                    fail(r.name() + ": EOF after " + (read.get() + filled(iov)) + " of " + BYTES + " bytes");
                }
            } else {
                r.readvAll(iov);
            }
            for (ByteBuffer b : iov) {
                long bad = expected.mismatch(b, read.get());
                if (bad >= 0) {
                    fail(r.name() + ": byte " + bad + " of " + BYTES + " differs: sent " + (expected.at(bad) & 0xff)
                            + ", received " + (b.get((int) (bad - read.get())) & 0xff)
                            + " (data corrupted, lost, reordered or duplicated)");
                }
                read.addAndGet(b.position());
            }
        }
        assertEquals(BYTES, read.get(), r.name() + ": bytes read");
    }

    private static long filled(ByteBuffer[] iov) {
        long n = 0;
        for (ByteBuffer b : iov) {
            n += b.position();
        }
        return n;
    }

    /** One buffer per place in a call, allocated once at the layout's largest piece and reused. */
    private static final class Buffers {
        private final ByteBuffer[] pool;

        Buffers(Layout layout) {
            int largest =
                    layout.pieces().stream().mapToInt(Integer::intValue).max().orElse(1);
            pool = new ByteBuffer[layout.perCall()];
            for (int i = 0; i < pool.length; i++) {
                pool[i] = layout.kind().allocate(Math.max(largest, 1));
            }
        }

        ByteBuffer[] next(int[] lengths) {
            ByteBuffer[] iov = new ByteBuffer[lengths.length];
            for (int i = 0; i < lengths.length; i++) {
                iov[i] = pool[i].clear().limit(lengths[i]);
            }
            return iov;
        }
    }
}

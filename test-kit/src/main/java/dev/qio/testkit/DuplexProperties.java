package dev.qio.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.qio.channel.Feature;
import dev.qio.channel.IoChannel;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Assumptions;

/**
 * CONCURRENT_IO: a read and a write on one channel run at the same time, so both directions of a
 * pair move at once on four threads. Checked twice: with generated sizes, and forced past the
 * channel's buffering, where a channel that makes its reads wait for a blocked write (one lock for
 * both directions) deadlocks whatever the sizes; that deadlock fails after {@link Kit#PROMPT}
 * without progress, with where each thread waits.
 */
final class DuplexProperties {
    private DuplexProperties() {}

    /** Both directions move at once, four threads, every byte in order. */
    static void fullDuplex(ChannelFixture fixture, int size, long seed) throws Throwable {
        byte[] ab = Inputs.payload(size, seed);
        byte[] ba = Inputs.payload(size, ~seed);
        try (ChannelPair pair = fixture.open()) {
            IoChannel a = pair.writer();
            IoChannel b = pair.reader();
            assumeDuplex(fixture, pair, a, b);
            ByteBuffer atB = ByteBuffer.allocate(size);
            ByteBuffer atA = ByteBuffer.allocate(size);
            Concurrently.run(
                    pair,
                    () -> {
                        a.writeAll(ByteBuffer.wrap(ab));
                        Kit.sent(fixture, a);
                    },
                    () -> {
                        b.writeAll(ByteBuffer.wrap(ba));
                        Kit.sent(fixture, b);
                    },
                    () -> b.readAll(atB),
                    () -> a.readAll(atA));
            assertArrayEquals(ab, atB.array());
            assertArrayEquals(ba, atA.array());
        }
    }

    /**
     * Both directions filled without blocking until ERR_BLOCK (their buffering, B bytes each), then
     * four threads: each end writes 2B + {@code size} more while it reads. Each writer must block
     * on a full channel while its own end's reader still has to drain the other direction.
     */
    static void pastBuffering(ChannelFixture fixture, int size, long seed) throws Throwable {
        try (ChannelPair pair = fixture.open()) {
            IoChannel a = pair.writer();
            IoChannel b = pair.reader();
            assumeDuplex(fixture, pair, a, b);
            long abFull = BlockingProperties.fill(a, fixture, 64 << 10, new SeededStream(seed), false);
            long baFull = BlockingProperties.fill(b, fixture, 64 << 10, new SeededStream(~seed), false);
            long abTotal = abFull + 2 * abFull + size;
            long baTotal = baFull + 2 * baFull + size;
            a.setBlocking(true);
            b.setBlocking(true);
            AtomicLong moved = new AtomicLong();
            Concurrently.run(
                    pair,
                    moved::get,
                    "the bytes read in both directions",
                    () -> {
                        write(a, new SeededStream(seed), abFull, abTotal);
                        Kit.sent(fixture, a);
                    },
                    () -> {
                        write(b, new SeededStream(~seed), baFull, baTotal);
                        Kit.sent(fixture, b);
                    },
                    () -> read(b, new SeededStream(seed), abTotal, moved),
                    () -> read(a, new SeededStream(~seed), baTotal, moved));
        }
    }

    private static void assumeDuplex(ChannelFixture fixture, ChannelPair pair, IoChannel a, IoChannel b) {
        Assumptions.assumeFalse(a == b, "fixture '" + fixture.name() + "' is a loopback");
        assertTrue(
                a.hasFeature(Feature.CONCURRENT_IO) && b.hasFeature(Feature.CONCURRENT_IO),
                "both ends of a CONCURRENT_IO pair advertise it");
    }

    private static void write(IoChannel w, SeededStream data, long from, long to) throws Exception {
        ByteBuffer chunk = ByteBuffer.allocate(64 << 10);
        for (long at = from; at < to; at += chunk.limit()) {
            chunk.clear().limit((int) Math.min(chunk.capacity(), to - at));
            data.fill(chunk, at);
            w.writeAll(chunk);
        }
    }

    private static void read(IoChannel r, SeededStream expected, long total, AtomicLong moved) throws Exception {
        ByteBuffer chunk = ByteBuffer.allocate(64 << 10);
        for (long at = 0; at < total; at += chunk.position()) {
            chunk.clear().limit((int) Math.min(chunk.capacity(), total - at));
            r.readAll(chunk);
            long bad = expected.mismatch(chunk, at);
            if (bad >= 0) {
                fail(r.name() + ": byte " + bad + " of " + total + " differs (data lost, reordered or duplicated)");
            }
            moved.addAndGet(chunk.position());
        }
    }
}

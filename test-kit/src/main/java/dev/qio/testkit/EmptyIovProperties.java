package dev.qio.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.qio.channel.IoChannel;
import dev.qio.testkit.property.Gen;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * An iov with nothing remaining (no buffers, buffers of length 0, buffers whose position is at
 * their limit) reads and writes 0 at once, in blocking and non-blocking mode alike, whatever the
 * channel's state: a reader with nothing to read, with bytes waiting, at end of stream, a writer
 * that is full. It moves no byte and no position, so the stream goes on as if it had not happened.
 * "At once" is checked as a liveness bound ({@link Kit#PROMPT}): a blocking call that waits for
 * the peer first fails with where it waits.
 */
final class EmptyIovProperties {
    private EmptyIovProperties() {}

    /** The calls that take an empty iov. */
    enum Op {
        READ,
        READV,
        READV_ALL_EOF,
        WRITE,
        WRITEV,
        WRITEV_ALL;

        boolean writes() {
            return this == WRITE || this == WRITEV || this == WRITEV_ALL;
        }
    }

    /**
     * One case: the call, the capacities of its empty buffers, their kind, and the state: bytes
     * waiting for the reader, whether the writer finished (EOF after them), whether the writer is
     * full. The run drops what the fixture cannot do (no FILL: never full).
     */
    record Case(Op op, List<Integer> capacities, BufferKind kind, int pending, boolean finished, boolean full) {}

    static Gen<Case> cases() {
        Gen<List<Integer>> capacities = Gen.listOf(Gen.elements(0, 1, 7, 4096), 0, 4);
        Gen<Integer> pending =
                Gen.<Integer>frequency().add(2, Gen.constant(0)).add(1, Gen.ints(1, BlockingProperties.SMALL));
        return c -> new Case(
                Gen.elements(Op.values()).next(c),
                capacities.next(c),
                Gen.elements(BufferKind.values()).next(c),
                pending.next(c),
                c.drawBoolean(),
                c.drawBoolean());
    }

    /** The cases most likely to wait: a starved read and a full write, each with one empty buffer. */
    static Case[] examples() {
        return new Case[] {
            new Case(Op.READV, List.of(0), BufferKind.HEAP, 0, false, false),
            new Case(Op.READ, List.of(7), BufferKind.DIRECT, 0, false, false),
            new Case(Op.WRITEV, List.of(0), BufferKind.HEAP, 0, false, true),
            new Case(Op.WRITE, List.of(7), BufferKind.DIRECT, 0, false, true),
        };
    }

    static void run(ChannelFixture fixture, Case c, boolean blocking) throws Throwable {
        boolean roundTrip = Kit.has(fixture, Capability.ROUND_TRIP);
        boolean concurrent = Kit.has(fixture, Capability.CONCURRENT);
        int pending = roundTrip ? c.pending() : 0;
        // A reader that is neither finished nor has bytes must be able to starve.
        boolean finished =
                roundTrip && (c.finished() || !concurrent || pending == 0 && !Kit.has(fixture, Capability.STARVE));
        try (ChannelPair pair = fixture.open()) {
            IoChannel w = pair.writer();
            if (c.op().writes()) {
                if (c.full() && Kit.has(fixture, Capability.FILL) && !Kit.has(fixture, Capability.BLOCKING_ONLY)) {
                    BlockingProperties.fill(w, fixture);
                }
                w.setBlocking(blocking);
                call(w, c, blocking);
                return;
            }
            byte[] data = Inputs.payload(pending, pending);
            w.writeAll(ByteBuffer.wrap(data));
            Kit.sent(fixture, w);
            if (finished) {
                pair.finishWriting();
            }
            IoChannel r = pair.reader();
            r.setBlocking(blocking);
            call(r, c, blocking);
            if (roundTrip) {
                r.setBlocking(true);
                ByteBuffer got = ByteBuffer.allocate(pending);
                r.readAll(got);
                assertArrayEquals(data, got.array(), r.name() + ": the bytes waiting when the empty read came");
                if (finished) {
                    RoundTrip.expectEof(r);
                }
            }
        }
    }

    /** Makes the call on a thread of its own and checks it returned 0 (or its loop's "done") within the bound. */
    private static void call(IoChannel ch, Case c, boolean blocking) throws Exception {
        ByteBuffer[] iov = iov(c);
        int[] positions = new int[iov.length];
        for (int i = 0; i < iov.length; i++) {
            positions[i] = iov[i].position();
        }
        String what = ch.name() + ": a " + (blocking ? "blocking " : "non-blocking ") + c.op() + " of an empty iov "
                + c.capacities() + " (pending " + c.pending() + ", finished " + c.finished() + ", full " + c.full()
                + ")";
        Callable<Long> op = switch (c.op()) {
            case READ -> () -> (long) ch.read(iov[0]);
            case READV -> () -> ch.readv(iov);
            case READV_ALL_EOF -> () -> ch.readvAllEof(iov) ? 0L : IoChannel.EOF;
            case WRITE -> () -> (long) ch.write(iov[0]);
            case WRITEV -> () -> ch.writev(iov);
            case WRITEV_ALL ->
                () -> {
                    ch.writevAll(iov);
                    return 0L;
                };
        };
        long n = Background.within("qio-kit-empty-iov", Kit.PROMPT, what + " did not return", op);
        assertEquals(
                0, n, what + ": an empty iov must give 0" + (c.op() == Op.READV_ALL_EOF ? " (readvAllEof true)" : ""));
        for (int i = 0; i < iov.length; i++) {
            assertEquals(positions[i], iov[i].position(), what + ": iov[" + i + "] moved");
            assertEquals(positions[i], iov[i].limit(), what + ": the limit of iov[" + i + "] changed");
        }
    }

    /** Buffers with nothing remaining: each at its limit. READ and WRITE take exactly one. */
    private static ByteBuffer[] iov(Case c) {
        List<Integer> caps = new ArrayList<>(c.capacities());
        if ((c.op() == Op.READ || c.op() == Op.WRITE) && caps.size() != 1) {
            caps = List.of(caps.isEmpty() ? 0 : caps.getFirst());
        }
        ByteBuffer[] iov = new ByteBuffer[caps.size()];
        for (int i = 0; i < iov.length; i++) {
            iov[i] = c.kind().allocate(caps.get(i));
            iov[i].position(iov[i].limit());
        }
        return iov;
    }
}

package dev.qio.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qio.channel.Feature;
import dev.qio.channel.IoChannel;
import dev.qio.channel.WriteFlag;
import dev.qio.testkit.property.Gen;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * WRITE_ZERO_COPY: a {@link WriteFlag#ZERO_COPY} write may send from the caller's buffers after it
 * returned, so they must stay unchanged until {@link IoChannel#flush()} returns; after that the
 * caller may reuse them and the peer never sees the change. Zero-copy and copying writes keep one
 * order. {@code flush()} returns 0 or 1, and 0 at once when no zero-copy write is pending. The
 * mode does not change this: in non-blocking mode a zero-copy write may be partial or give
 * {@code ERR_BLOCK} like any write, and {@code flush()} still waits for what is pending.
 */
final class ZeroCopyProperties {
    private ZeroCopyProperties() {}

    /**
     * Below this many bytes a channel may copy even with {@code ZERO_COPY} (qio's native tcp does);
     * the generated writes fall on both sides of it.
     */
    static final int THRESHOLD = 10 * 1024;

    /** One write: its size, whether it asks for ZERO_COPY, how its iov is cut, whether flush follows. */
    record Step(int size, boolean zeroCopy, Layout layout, boolean flushAfter) {}

    /**
     * Writes in order, then a flush and a copying trailer of {@code trailer} bytes: the trailer is
     * what a channel that held buffers past flush would send them before. {@code raw} writes with
     * raw writev calls (checked one by one), else with writevAll.
     */
    record Case(List<Step> steps, int trailer, boolean blocking, boolean raw, long seed) {
        int total() {
            return steps.stream().mapToInt(Step::size).sum() + trailer;
        }
    }

    static Gen<Case> cases(ChannelFixture fixture) {
        Gen<Integer> size = Gen.<Integer>frequency()
                .add(2, Gen.ints(1, THRESHOLD - 1))
                .add(1, Gen.ints(THRESHOLD - 16, THRESHOLD + 16))
                .add(3, Gen.ints(THRESHOLD, 300 << 10));
        Gen<Integer> piece = Gen.<Integer>frequency()
                .add(4, Gen.ints(64, 8192))
                .add(1, Gen.constant(0))
                .add(2, Gen.ints(8192, 70_000));
        Gen<Integer> perCall = Gen.<Integer>frequency().add(1, Gen.constant(1)).add(3, Gen.ints(1, 64));
        Gen<List<Integer>> pieces =
                Gen.listOf(piece, 1, 4).filter(l -> l.stream().anyMatch(p -> p > 0));
        Gen<BufferKind> kind = Gen.elements(BufferKind.values());
        Gen<Layout> layout = c -> new Layout(pieces.next(c), perCall.next(c), kind.next(c));
        Gen<Boolean> bool = Gen.booleans();
        Gen<Step> step = c -> new Step(size.next(c), !bool.next(c), layout.next(c), bool.next(c));
        Gen<List<Step>> steps = Gen.listOf(step, 1, 6);
        boolean nonBlocking = !Kit.has(fixture, Capability.BLOCKING_ONLY);
        return c -> new Case(
                steps.next(c),
                Gen.ints(1, 4096).next(c),
                !nonBlocking || !bool.next(c),
                bool.next(c),
                Gen.longs(0, Long.MAX_VALUE).next(c));
    }

    /**
     * The bytes arrive exact and in order while the writer overwrites each copying write's buffers
     * as soon as it returns and each zero-copy write's buffers as soon as the flush after it
     * returns; every flush gives 0 or 1.
     */
    static void delivers(ChannelFixture fixture, Case k) throws Throwable {
        byte[] all = Inputs.payload(k.total(), k.seed());
        try (ChannelPair pair = fixture.open()) {
            IoChannel w = writerEnd(pair);
            IoChannel r = w == pair.writer() ? pair.reader() : pair.writer();
            ByteBuffer got = ByteBuffer.allocate(all.length);
            Concurrently.run(
                    pair,
                    () -> {
                        w.setBlocking(k.blocking());
                        List<ByteBuffer> pending = new ArrayList<>();
                        int offset = 0;
                        for (Step s : k.steps()) {
                            byte[] data = Arrays.copyOfRange(all, offset, offset + s.size());
                            offset += s.size();
                            Set<WriteFlag> flags = s.zeroCopy() ? Set.of(WriteFlag.ZERO_COPY) : Set.of();
                            for (ByteBuffer[] iov : s.layout().calls(s.size(), data, true)) {
                                write(w, iov, flags, k.raw());
                                if (s.zeroCopy()) {
                                    pending.addAll(Arrays.asList(iov));
                                } else {
                                    overwrite(iov);
                                }
                            }
                            if (s.flushAfter()) {
                                flush(w, pending);
                            }
                        }
                        flush(w, pending);
                        ByteBuffer trailer = ByteBuffer.wrap(all, offset, k.trailer());
                        write(w, new ByteBuffer[] {trailer}, Set.of(), k.raw());
                    },
                    () -> r.readAll(got));
            assertArrayEquals(
                    all,
                    got.array(),
                    "the bytes read differ from those written (the writer overwrote a "
                            + "copying write's buffers after it returned, a zero-copy write's only after flush returned)");
        }
    }

    /**
     * {@code flush()} with no zero-copy write pending returns 0 within the liveness bound, while the
     * peer reads nothing: on a fresh pair, after copying writes only, and after a flush. Between
     * them a copying write, a zero-copy one whose buffer is overwritten once its flush returned,
     * and a copying one arrive in order and unchanged.
     */
    static void flushIdle(ChannelFixture fixture, boolean blocking) throws Throwable {
        try (ChannelPair pair = fixture.open()) {
            IoChannel w = writerEnd(pair);
            IoChannel r = w == pair.writer() ? pair.reader() : pair.writer();
            w.setBlocking(blocking);
            assertEquals(0, flushPromptly(w, "on a fresh channel"), "flush with nothing written");
            byte[] all = Inputs.payload(200 + 4 * THRESHOLD, 11);
            ByteBuffer head = ByteBuffer.wrap(all, 0, 100);
            ByteBuffer big = BufferKind.DIRECT
                    .allocate(4 * THRESHOLD)
                    .put(all, 100, 4 * THRESHOLD)
                    .flip();
            ByteBuffer tail = ByteBuffer.wrap(all, 100 + 4 * THRESHOLD, 100);
            write(w, new ByteBuffer[] {head}, Set.of(), true);
            assertEquals(0, flushPromptly(w, "after a copying write only"), "flush after a copying write only");
            ByteBuffer got = ByteBuffer.allocate(all.length);
            Concurrently.run(
                    pair,
                    () -> {
                        write(w, new ByteBuffer[] {big}, Set.of(WriteFlag.ZERO_COPY), false);
                        flush(w, new ArrayList<>(List.of(big)));
                        assertEquals(0, flushPromptly(w, "after a flush"), "flush right after a flush");
                        write(w, new ByteBuffer[] {tail}, Set.of(), false);
                    },
                    () -> r.readAll(got));
            assertArrayEquals(
                    all,
                    got.array(),
                    "a copying write, a zero-copy one (overwritten after flush returned) "
                            + "and a copying one: the bytes read differ from those written");
        }
    }

    /** The end that advertises WRITE_ZERO_COPY writes (in a pair with a foreign peer only one end may). */
    private static IoChannel writerEnd(ChannelPair pair) throws java.io.IOException {
        boolean swap = !pair.writer().hasFeature(Feature.WRITE_ZERO_COPY) && !pair.isLoopback();
        return swap ? pair.reader() : pair.writer();
    }

    private static void write(IoChannel w, ByteBuffer[] iov, Set<WriteFlag> flags, boolean raw) throws Exception {
        if (raw) {
            CheckedIo.writeFully(w, iov, flags);
        } else {
            w.writevAll(iov, null, flags);
        }
    }

    /** Flushes, checks the result, then overwrites every buffer the flush covered. */
    private static void flush(IoChannel w, List<ByteBuffer> pending) throws Exception {
        int r = w.flush();
        assertTrue(r == 0 || r == 1, w.name() + ": flush returns 0 or 1, not " + r);
        overwrite(pending.toArray(ByteBuffer[]::new));
        pending.clear();
    }

    private static int flushPromptly(IoChannel w, String when) throws Exception {
        return Background.within(
                "qio-kit-flush",
                Kit.PROMPT,
                w.name() + ": flush with no zero-copy write pending (" + when + ") did not return",
                w::flush);
    }

    /** Flips every byte of each buffer, whatever its position: what a caller reusing its buffers does. */
    private static void overwrite(ByteBuffer[] iov) {
        for (ByteBuffer b : iov) {
            for (int i = 0; i < b.limit(); i++) {
                b.put(i, (byte) ~b.get(i));
            }
        }
    }
}

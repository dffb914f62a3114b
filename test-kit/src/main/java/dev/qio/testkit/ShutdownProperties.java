package dev.qio.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoCondition;
import dev.qio.channel.Shutdown;
import dev.qio.testkit.property.Gen;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Assumptions;

/**
 * SHUTDOWN: {@code shutdown(WRITE)} is a half-close the peer reads as EOF after the bytes sent
 * before it; {@code shutdown(READ)} makes reads here return EOF and wakes whoever waits to read;
 * {@code shutdown(BOTH)} does both. Each is checked two ways, so one path a provider forgot
 * (signalling its readiness, a virtual thread, the non-blocking read) does not hide behind another.
 */
final class ShutdownProperties {
    private ShutdownProperties() {}

    /** shutdown(WRITE) is a half-close: the peer drains, reads EOF, and can still answer. */
    static void halfClose(ChannelFixture fixture, int there, int back, long seed) throws Throwable {
        byte[] out = Inputs.payload(there, seed);
        byte[] in = Inputs.payload(back, ~seed);
        try (ChannelPair pair = fixture.open()) {
            Assumptions.assumeFalse(
                    pair.isLoopback(), "fixture '" + fixture.name() + "' is a loopback: no peer to answer");
            IoChannel a = pair.writer();
            IoChannel b = pair.reader();
            ByteBuffer gotThere = ByteBuffer.allocate(there);
            ByteBuffer gotBack = ByteBuffer.allocate(back);
            Concurrently.run(
                    pair,
                    () -> {
                        a.writeAll(ByteBuffer.wrap(out));
                        a.shutdown(Shutdown.WRITE);
                        assertWriteFails(a, "shutdown(WRITE)");
                        a.readAll(gotBack);
                        RoundTrip.expectEof(a);
                    },
                    () -> {
                        b.readAll(gotThere);
                        RoundTrip.expectEof(b);
                        b.writeAll(ByteBuffer.wrap(in));
                        b.shutdown(Shutdown.WRITE);
                    });
            assertArrayEquals(out, gotThere.array());
            assertArrayEquals(in, gotBack.array());
        }
    }

    /**
     * shutdown(WRITE), read by a non-blocking peer on the test's own thread: the bytes sent before
     * it, then EOF (never ERR_BLOCK for ever), within {@link Kit#PROMPT} of each wait; later
     * writes fail. A loopback reads its own echo. Unlike {@link #halfClose}, nothing here waits on
     * another thread's assertion, and the EOF is looked for through readiness.
     */
    static void writeEofNonBlocking(ChannelFixture fixture, int sent, long seed) throws Throwable {
        byte[] data = Inputs.payload(sent, seed);
        try (ChannelPair pair = fixture.open()) {
            IoChannel a = pair.writer();
            IoChannel b = pair.reader();
            a.writeAll(ByteBuffer.wrap(data));
            a.shutdown(Shutdown.WRITE);
            b.setBlocking(false);
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            ByteBuffer buf = ByteBuffer.allocate(1024);
            long n;
            while ((n = CheckedIo.readv(b, new ByteBuffer[] {buf.clear()})) != IoChannel.EOF) {
                if (n == IoChannel.ERR_BLOCK) {
                    awaitPromptly(
                            b,
                            IoCondition.IN,
                            "after " + got.size() + " of " + sent + " bytes, the EOF that shutdown(WRITE) sends");
                } else {
                    got.write(buf.array(), 0, (int) n);
                }
            }
            assertArrayEquals(data, got.toByteArray(), b.name() + ": the bytes sent before shutdown(WRITE)");
            for (int i = 0; i < 2; i++) {
                assertEquals(
                        IoChannel.EOF,
                        CheckedIo.readv(b, new ByteBuffer[] {buf.clear()}),
                        b.name() + ": a non-blocking read after EOF keeps returning EOF");
            }
            assertWriteFails(a, "shutdown(WRITE)");
        }
    }

    /** shutdown(READ) from another thread wakes {@code waiter}, which reads EOF, and reads keep returning EOF. */
    static void readWakesReader(ChannelFixture fixture, Waiters.Waiter waiter) throws Throwable {
        try (ChannelPair pair = fixture.open()) {
            IoChannel r = pair.reader();
            Waiters.shutdownWakes(r, waiter, Shutdown.READ);
            RoundTrip.expectEof(r);
        }
    }

    /** One case of {@link #both}: bytes sent before it, which end shuts, and who waits to read there. */
    record BothCase(int sent, boolean readerEnd, Waiters.Waiter waiter, long seed) {}

    static Gen<BothCase> bothCases(ChannelFixture fixture) {
        Gen<Waiters.Waiter> waiters = Waiters.waiters(fixture);
        return c -> new BothCase(
                Gen.ints(0, BlockingProperties.SMALL).next(c),
                c.drawBoolean(),
                waiters.next(c),
                Gen.longs(0, Long.MAX_VALUE).next(c));
    }

    /**
     * shutdown(BOTH) on one end, with a reader waiting there: the reader wakes with EOF and reads
     * keep returning EOF; a write there fails; the peer reads what was sent before, then EOF,
     * within {@link Kit#PROMPT}. A loopback has no peer and sends nothing first (it would read its
     * own echo).
     */
    static void both(ChannelFixture fixture, BothCase c) throws Throwable {
        try (ChannelPair pair = fixture.open()) {
            boolean loopback = pair.isLoopback();
            IoChannel a = c.readerEnd() && !loopback ? pair.reader() : pair.writer();
            IoChannel peer = a == pair.writer() ? pair.reader() : pair.writer();
            byte[] data = Inputs.payload(loopback ? 0 : c.sent(), c.seed());
            a.writeAll(ByteBuffer.wrap(data));
            Background<Long> woken = Waiters.wake(a, c.waiter(), "shutdown(BOTH)", () -> a.shutdown(Shutdown.BOTH));
            assertEquals(
                    IoChannel.EOF,
                    woken.result(),
                    a.name() + ": a reader waiting in " + c.waiter() + " after shutdown(BOTH)");
            a.setBlocking(true);
            for (int i = 0; i < 2; i++) {
                assertEquals(IoChannel.EOF, a.read(ByteBuffer.allocate(8)), a.name() + ": a read after shutdown(BOTH)");
            }
            assertWriteFails(a, "shutdown(BOTH)");
            if (!loopback) {
                ByteBuffer got = ByteBuffer.allocate(data.length);
                Background.within(
                        "qio-kit-peer",
                        Kit.PROMPT,
                        peer.name() + ": the peer did not read the " + data.length
                                + " bytes sent before shutdown(BOTH) and then EOF",
                        () -> {
                            peer.readAll(got);
                            RoundTrip.expectEof(peer);
                            return null;
                        });
                assertArrayEquals(data, got.array(), peer.name() + ": the bytes sent before shutdown(BOTH)");
            }
        }
    }

    private static void assertWriteFails(IoChannel ch, String after) {
        assertThrows(
                IOException.class,
                () -> ch.write(ByteBuffer.wrap(new byte[] {9})),
                ch.name() + ": a write after " + after + " must fail");
    }

    /** {@code ch.await(condition)}, failing if it has not returned within {@link Kit#PROMPT}. */
    static void awaitPromptly(IoChannel ch, IoCondition condition, String waitingFor) throws Exception {
        Background.within(
                "qio-kit-await",
                Kit.PROMPT,
                ch.name() + ": await(" + condition + ") waiting for " + waitingFor + " did not return",
                () -> {
                    ch.await(condition);
                    return null;
                });
    }
}

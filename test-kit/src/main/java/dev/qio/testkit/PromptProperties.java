package dev.qio.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.qio.channel.IoChannel;
import dev.qio.testkit.property.Gen;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Assumptions;

/**
 * Non-blocking means prompt: when nothing can move (a starved reader, a full writer), a
 * non-blocking read or write returns within {@link Kit#PROMPT}, a read with ERR_BLOCK, a write
 * with ERR_BLOCK or the few bytes it found room for. This is the contract's liveness bound, not a
 * speed limit: a call that waits for the peer before returning ERR_BLOCK fails with where it waits;
 * one that merely takes its time passes.
 */
final class PromptProperties {
    private PromptProperties() {}

    /** One case: the side that cannot move, how many calls in a row, the call, its buffers. */
    record Case(boolean write, int calls, boolean vectored, List<Integer> lengths, BufferKind kind) {}

    static Gen<Case> cases() {
        Gen<List<Integer>> lengths =
                Gen.listOf(Gen.<Integer>frequency().add(3, Gen.sizes(8192)).add(1, Gen.ints(8192, 70_000)), 1, 3);
        return c -> new Case(
                c.drawBoolean(),
                Gen.ints(1, 4).next(c),
                c.drawBoolean(),
                lengths.next(c),
                Gen.elements(BufferKind.values()).next(c));
    }

    /** A starved read and a full write, one one-byte buffer each: the plainest ERR_BLOCKs. */
    static Case[] examples() {
        return new Case[] {
            new Case(false, 1, false, List.of(1), BufferKind.HEAP),
            new Case(true, 1, false, List.of(1), BufferKind.HEAP),
        };
    }

    static void run(ChannelFixture fixture, Case c) throws Throwable {
        boolean starve = Kit.has(fixture, Capability.STARVE);
        boolean fill = Kit.has(fixture, Capability.FILL);
        Assumptions.assumeTrue(
                starve || fill,
                () -> "fixture '" + fixture.name()
                        + "' declares neither STARVE nor FILL in ChannelFixture.capabilities()");
        boolean write = fill && (c.write() || !starve);
        try (ChannelPair pair = fixture.open()) {
            IoChannel ch = write ? pair.writer() : pair.reader();
            if (write) {
                BlockingProperties.fill(ch, fixture);
            } else {
                ch.setBlocking(false);
            }
            for (int i = 0; i < c.calls(); i++) {
                ByteBuffer[] iov = iov(c, write);
                long n;
                if (write) {
                    n = c.vectored()
                            ? CheckedIo.writevPromptly(ch, iov)
                            : promptly(ch, "write(ByteBuffer)", () -> ch.write(iov[0]));
                } else {
                    n = c.vectored()
                            ? CheckedIo.readvPromptly(ch, iov)
                            : promptly(ch, "read(ByteBuffer)", () -> ch.read(iov[0]));
                    assertEquals(
                            IoChannel.ERR_BLOCK,
                            n,
                            ch.name() + ": non-blocking read " + (i + 1) + " of " + c.calls()
                                    + " on a starved reader: nothing was written, so nothing can be read");
                }
            }
        }
    }

    private static long promptly(IoChannel ch, String what, Callable<Integer> call) throws Exception {
        return Background.within(
                "qio-kit-nonblocking", Kit.PROMPT, ch.name() + ": a non-blocking " + what + " did not return", call);
    }

    private static ByteBuffer[] iov(Case c, boolean write) {
        List<ByteBuffer> iov = new ArrayList<>();
        for (int length : c.vectored() ? c.lengths() : c.lengths().subList(0, 1)) {
            ByteBuffer b = c.kind().allocate(Math.max(1, length));
            if (write) {
                b.put(b.position(), new byte[b.remaining()]);
            }
            iov.add(b);
        }
        return iov.toArray(ByteBuffer[]::new);
    }
}

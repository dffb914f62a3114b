package dev.qio.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.qio.channel.Feature;
import dev.qio.channel.IoChannel;
import dev.qio.channel.IoCondition;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Assumptions;

/**
 * A channel stays usable by the next caller after a call ends in a state other properties leave
 * alone: a writer whose peer has gone (its OUT readiness must say so, not stay silent), and a
 * channel a positional call was made on from another thread (the call must let go of the channel).
 * Both found by mutation testing (docs/MUTATION.md): mutants that broke them passed the rest of
 * the kit.
 */
final class HandoverProperties {
    private HandoverProperties() {}

    /** The most a writer may write after its peer closed before a write fails. */
    private static final int AFTER_CLOSE = 16 << 20;

    /**
     * The reader end closes; the writer's {@code await(OUT)} returns promptly (there is nothing to
     * wait for: a write fails at once or goes into a buffer), and blocking writes fail with an
     * IOException within {@link #AFTER_CLOSE} bytes and the liveness bound, never hang.
     */
    static void writerAfterPeerClosed(ChannelFixture fixture) throws Exception {
        try (ChannelPair pair = fixture.open()) {
            IoChannel a = pair.writer();
            IoChannel b = pair.reader();
            Assumptions.assumeFalse(a == b, "fixture '" + fixture.name() + "' is a loopback");
            b.close();
            Background.within("qio-kit-await-out", Kit.PROMPT, "await(OUT) on a writer whose peer closed", () -> {
                a.await(IoCondition.OUT);
                return null;
            });
            Background<Long> writer = Background.start("qio-kit-writer", () -> {
                ByteBuffer chunk = ByteBuffer.allocate(64 << 10);
                long sent = 0;
                while (sent < AFTER_CLOSE) {
                    a.writeAll(chunk.clear());
                    sent += chunk.capacity();
                }
                return sent;
            });
            writer.awaitEnd(Kit.PROMPT, "a write failing after the peer closed");
            assertInstanceOf(
                    IOException.class,
                    writer.failure(),
                    a.name() + ": what writing " + AFTER_CLOSE + " bytes to a closed peer threw");
        }
    }

    /**
     * A pwritev and a preadv on one thread, then a seek and a read on another: the second thread
     * gets the bytes within the liveness bound (the positional calls let go of the channel).
     */
    static void positionalThenAnotherThread(ChannelFixture fixture) throws Exception {
        try (ChannelPair pair = fixture.open()) {
            IoChannel ch = pair.writer();
            Assumptions.assumeTrue(ch.hasFeature(Feature.SEEKABLE), "not SEEKABLE");
            Background.within("qio-kit-positional", Kit.PROMPT, "a pwritev and a preadv", () -> {
                ch.pwritev(new ByteBuffer[] {TestIo.ascii("handover")}, 0);
                ch.preadv(new ByteBuffer[] {ByteBuffer.allocate(8)}, 0);
                return null;
            });
            String got = Background.within("qio-kit-next", Kit.PROMPT, "a seek and read on another thread", () -> {
                ch.seek(0, dev.qio.channel.Whence.SET);
                return TestIo.readAscii(ch, 8);
            });
            assertEquals("handover", got, "what another thread read after the positional calls");
        }
    }
}

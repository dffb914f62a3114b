package dev.qio.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.qio.channel.Feature;
import dev.qio.channel.IoChannel;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Assumptions;

/**
 * What the other end sees of a local close: an ordinary close is an orderly end of stream for the
 * peer even while another thread of the closing side is blocked reading (the JDK's
 * PeerReadsAfterAsyncClose). A close that woke that reader must not turn into an abortive one (a
 * reset, which the peer reads as an exception) nor lose what was written before it.
 */
final class PeerProperties {
    private PeerProperties() {}

    /**
     * The writer end has a thread blocked reading (a platform or a virtual one) when another thread
     * writes {@code size} bytes and closes it; the reader end reads those bytes, then EOF.
     */
    static void peerReadsEofAfterAsyncClose(ChannelFixture fixture, boolean virtual, int size, long seed)
            throws Exception {
        byte[] sent = Inputs.payload(size, seed);
        try (ChannelPair pair = fixture.open()) {
            IoChannel a = pair.writer();
            IoChannel b = pair.reader();
            Assumptions.assumeFalse(a == b, "fixture '" + fixture.name() + "' is a loopback");
            Assumptions.assumeTrue(
                    a.hasFeature(Feature.CONCURRENT_IO),
                    () -> "fixture '" + fixture.name()
                            + "': the writer end has no CONCURRENT_IO, so no read can wait on it while it closes");
            Background<Integer> blocked = virtual
                    ? Background.startVirtual("qio-kit-blocked-reader", () -> a.read(ByteBuffer.allocate(1)))
                    : Background.start("qio-kit-blocked-reader", () -> a.read(ByteBuffer.allocate(1)));
            if (!blocked.awaitBlockedOrEnd()) {
                String how;
                try {
                    how = "returned " + blocked.result();
                } catch (Exception e) {
                    how = "threw " + e;
                }
                Assumptions.abort(
                        "fixture '" + fixture.name() + "': a read of the writer end does not wait (it " + how + ")");
            }
            ByteBuffer got = ByteBuffer.allocate(size + 1);
            Background<Integer> peer = Background.start("qio-kit-peer", () -> {
                int n;
                do {
                    n = b.read(got);
                } while (n > 0 && got.hasRemaining());
                return n;
            });
            a.writeAll(ByteBuffer.wrap(sent));
            Kit.sent(fixture, a); // a channel that holds writes delivers them on flush, not on close
            a.close();
            blocked.awaitEnd(Kit.PROMPT, "close() waking the thread blocked reading the closing end");
            peer.awaitEnd(Kit.PROMPT, "the peer reading to the end after the close");
            int r = peer.result();
            if (got.position() != size) {
                fail(b.name() + ": the peer read " + got.position() + " of the " + size
                        + " bytes written before a close that woke a blocked reader");
            }
            assertEquals(
                    IoChannel.EOF, r, b.name() + ": what the peer read after the bytes (EOF expected, not more data)");
            assertEquals(ByteBuffer.wrap(sent), got.flip(), "the bytes the peer read");
        } catch (IOException e) {
            throw new AssertionError(
                    "the peer of a channel closed while another thread was reading it failed instead of"
                            + " reading EOF (a reset instead of an orderly close?): " + e,
                    e);
        }
    }
}

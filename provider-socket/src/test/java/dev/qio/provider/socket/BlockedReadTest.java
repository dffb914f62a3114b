package dev.qio.provider.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qio.channel.IoChannel;
import dev.qio.channel.Shutdown;
import dev.qio.channel.spi.AbstractIoChannel;
import dev.qio.testkit.Background;
import dev.qio.testkit.TestIo;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A read blocked in blocking mode, on a platform thread (which on the native backend waits inside
 * {@code recv}, after a short spin) and on a virtual one (parked), ended from another thread: data
 * arrives, an interrupt leaves the channel open and loses nothing; a close and a shutdown of reads
 * end it as the contract says. The {@code read-spin} run repeats these with a spin longer than any
 * test ({@code -Dqio.native.readSpinMicros}), so on a platform thread each ends the spin itself.
 */
@Timeout(60)
class BlockedReadTest {

    private static Background<Integer> reader(String thread, IoChannel ch, ByteBuffer into) {
        return thread.equals("virtual")
                ? Background.startVirtual("reader", () -> ch.read(into))
                : Background.start("reader", () -> ch.read(into));
    }

    @ParameterizedTest(name = "{0} on a {1} thread")
    @CsvSource({"tcp4, platform", "tcp4, virtual", "unix, platform", "unix, virtual"})
    void bytesWrittenWhileTheReadWaitsEndIt(String transport, String thread) throws Exception {
        try (var c = TestSupport.Connected.over(transport)) {
            ByteBuffer into = ByteBuffer.allocate(8);
            Background<Integer> r = reader(thread, c.server(), into);
            r.awaitBlockedIn(AbstractIoChannel.class);
            c.client().writeAll(TestIo.ascii("late"));

            assertEquals(4, r.result());
            assertEquals("late", TestIo.written(into));
        }
    }

    @ParameterizedTest(name = "{0} on a {1} thread")
    @CsvSource({"tcp4, platform", "tcp4, virtual", "unix, platform", "unix, virtual"})
    void anInterruptEndsTheReadAndTheChannelStaysOpenWithNothingLost(String transport, String thread) throws Exception {
        try (var c = TestSupport.Connected.over(transport)) {
            ByteBuffer into = ByteBuffer.allocate(8);
            Background<Integer> r = reader(thread, c.server(), into);
            r.awaitBlockedIn(AbstractIoChannel.class);
            r.thread().interrupt();

            Throwable failure = r.failure();
            assertInstanceOf(InterruptedIOException.class, failure);
            assertTrue(c.server().isOpen());
            assertEquals(0, into.position(), "no byte was taken by the interrupted read");

            c.client().writeAll(TestIo.ascii("after"));
            assertEquals("after", TestIo.readAscii(c.server(), 5));
        }
    }

    @ParameterizedTest(name = "{0} on a {1} thread")
    @CsvSource({"tcp4, platform", "tcp4, virtual", "unix, platform", "unix, virtual"})
    void aCloseEndsTheReadWithAsynchronousCloseException(String transport, String thread) throws Exception {
        try (var c = TestSupport.Connected.over(transport)) {
            Background<Integer> r = reader(thread, c.server(), ByteBuffer.allocate(8));
            r.awaitBlockedIn(AbstractIoChannel.class);
            c.server().close();

            assertInstanceOf(AsynchronousCloseException.class, r.failure());
        }
    }

    @ParameterizedTest(name = "{0} on a {1} thread")
    @CsvSource({"tcp4, platform", "tcp4, virtual", "unix, platform", "unix, virtual"})
    void aShutdownOfReadsEndsTheReadWithEndOfStream(String transport, String thread) throws Exception {
        try (var c = TestSupport.Connected.over(transport)) {
            Background<Integer> r = reader(thread, c.server(), ByteBuffer.allocate(8));
            r.awaitBlockedIn(AbstractIoChannel.class);
            c.server().shutdown(Shutdown.READ);

            assertEquals(IoChannel.EOF, r.result());
        }
    }
}

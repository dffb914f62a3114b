package dev.qio.provider.socket;

import static dev.qio.testkit.TestIo.ascii;
import static dev.qio.testkit.TestIo.readAscii;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qio.channel.Feature;
import dev.qio.channel.IoChannel;
import dev.qio.channel.NativeFd;
import dev.qio.channel.Shutdown;
import dev.qio.channel.UnsupportedFeatureException;
import dev.qio.channel.spi.AbstractIoChannel;
import dev.qio.testkit.Background;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Features of connected socket channels (QEMU's feature matrix for QIOChannelSocket), half-close and the delay hint. */
@Timeout(30)
class SocketFeaturesTest {

    /**
     * QEMU's matrix: SHUTDOWN and CONCURRENT_IO everywhere; on the native backend READ_MSG_PEEK
     * everywhere, FD_PASS on unix only and WRITE_ZERO_COPY on tcp only; on java.nio none of these
     * (it has no MSG_PEEK, SCM_RIGHTS or MSG_ZEROCOPY).
     */
    @ParameterizedTest
    @ValueSource(strings = {"tcp4", "tcp6", "unix"})
    void bothEndsHaveTheFeaturesOfTheirBackendButNeverListen(String transport) throws IOException {
        Set<Feature> expected = EnumSet.of(Feature.SHUTDOWN, Feature.CONCURRENT_IO);
        if (TestSupport.nativeExpected()) {
            expected.add(Feature.READ_MSG_PEEK);
            if (transport.equals("unix")) {
                expected.add(Feature.FD_PASS);
            } else {
                expected.add(Feature.WRITE_ZERO_COPY); // SO_ZEROCOPY; ZeroCopyTest covers it
            }
        }
        try (TestSupport.Connected c = TestSupport.Connected.over(transport)) {
            for (IoChannel ch : List.of(c.client(), c.server())) {
                assertEquals(expected, ch.features(), ch.name());
                assertFalse(ch.hasFeature(Feature.LISTEN), ch.name() + ": a connected channel never listens");
            }
        }
    }

    /** Where FD_PASS is not advertised (tcp; unix on java.nio) both directions refuse, naming it, before any byte moves. */
    @ParameterizedTest
    @ValueSource(strings = {"tcp4", "unix"})
    void withoutFdPassDescriptorsAreRefusedNamingTheFeature(String transport) throws IOException {
        org.junit.jupiter.api.Assumptions.assumeFalse(
                TestSupport.nativeExpected() && transport.equals("unix"),
                "native unix channels pass descriptors (FdPassTest)");
        try (TestSupport.Connected c = TestSupport.Connected.over(transport)) {
            ByteBuffer data = ascii("x");
            NativeFd untouchable = new NativeFd() {
                @Override
                public int value() {
                    throw new AssertionError("a refused write touched the descriptor");
                }

                @Override
                public boolean isOpen() {
                    return true;
                }

                @Override
                public void close() {}
            };
            UnsupportedFeatureException w = assertThrows(
                    UnsupportedFeatureException.class,
                    () -> c.client().writev(new ByteBuffer[] {data}, List.of(untouchable), Set.of()));
            UnsupportedFeatureException r = assertThrows(
                    UnsupportedFeatureException.class,
                    () -> c.server().readv(new ByteBuffer[] {ByteBuffer.allocate(1)}, new ArrayList<>(), Set.of()));
            for (UnsupportedFeatureException e : List.of(w, r)) {
                assertEquals(Feature.FD_PASS, e.feature());
                assertTrue(e.getMessage().contains("file descriptor passing"), e.getMessage());
            }
            assertEquals(0, data.position(), "a refused write moves nothing");
        }
    }

    /** shutdown(WRITE) is a half-close: the peer drains, reads EOF, and can still answer. */
    @ParameterizedTest
    @ValueSource(strings = {"tcp4", "tcp6", "unix"})
    void shutdownWriteIsAHalfClose(String transport) throws IOException {
        try (TestSupport.Connected c = TestSupport.Connected.over(transport)) {
            IoChannel client = c.client();
            IoChannel server = c.server();
            client.writeAll(ascii("ping"));
            client.shutdown(Shutdown.WRITE);
            IOException refused = assertThrows(IOException.class, () -> client.write(ascii("late")));
            assertTrue(refused.getMessage().contains(client.name()), refused.getMessage());
            assertTrue(client.isOpen(), "a half-closed channel stays open");

            assertEquals("ping", readAscii(server, 4));
            assertEquals(IoChannel.EOF, server.read(ByteBuffer.allocate(8)), "the peer reads EOF after the data");
            assertEquals(IoChannel.EOF, server.read(ByteBuffer.allocate(8)), "and keeps reading EOF");
            assertFalse(server.readAllEof(ByteBuffer.allocate(1)), "EOF before any byte: readAllEof is false");

            server.writeAll(ascii("pong"));
            assertEquals("pong", readAscii(client, 4), "the peer can still send back");
            server.shutdown(Shutdown.BOTH);
            assertEquals(IoChannel.EOF, client.read(ByteBuffer.allocate(8)));
            client.shutdown(Shutdown.WRITE); // repeating a shutdown is harmless
        }
    }

    /** shutdown(READ) from another thread wakes a reader parked in a blocking read, which reads EOF. */
    @ParameterizedTest
    @ValueSource(strings = {"tcp4", "unix"})
    void shutdownReadWakesABlockedReader(String transport) throws Exception {
        try (TestSupport.Connected c = TestSupport.Connected.over(transport)) {
            var reader = Background.start("reader", () -> c.server().read(ByteBuffer.allocate(8)));
            reader.awaitBlockedIn(AbstractIoChannel.class);
            c.server().shutdown(Shutdown.READ);
            assertEquals(IoChannel.EOF, reader.result());
            assertEquals(IoChannel.EOF, c.server().read(ByteBuffer.allocate(8)));
            c.server().writeAll(ascii("w"));
            assertEquals("w", readAscii(c.client(), 1), "shutdown(READ) leaves the write direction open");
        }
    }

    /** close from another thread wakes a reader parked in a blocking read with AsynchronousCloseException. */
    @ParameterizedTest
    @ValueSource(strings = {"tcp4", "unix"})
    void closeWakesABlockedReader(String transport) throws Exception {
        try (TestSupport.Connected c = TestSupport.Connected.over(transport)) {
            var reader = Background.start("reader", () -> c.client().read(ByteBuffer.allocate(8)));
            reader.awaitBlockedIn(AbstractIoChannel.class);
            c.client().close();
            Throwable t = reader.failure();
            assertInstanceOf(AsynchronousCloseException.class, t);
            assertEquals(IoChannel.EOF, c.server().read(ByteBuffer.allocate(8)), "the peer sees the close as EOF");
        }
    }

    /** QEMU's set_delay: TCP_NODELAY = !enabled. A hint: never an error, on unix and after close too. (Cork: CorkTest.) */
    @Test
    void setDelayMapsToTcpNoDelay() throws IOException {
        try (TestSupport.Connected c = TestSupport.Connected.over("tcp4")) {
            Kernel raw = Kernel.of(c.client());
            assertFalse(raw.noDelay(), "Nagle is on by default");
            c.client().setDelay(false);
            assertTrue(raw.noDelay(), "setDelay(false) sets TCP_NODELAY");
            c.client().setDelay(true);
            assertFalse(raw.noDelay(), "setDelay(true) clears it");
            c.server().setDelay(false);
            assertTrue(Kernel.of(c.server()).noDelay());
            c.client().writeAll(ascii("d"));
            assertEquals("d", readAscii(c.server(), 1));
            c.client().close();
            c.client().setDelay(false); // after close: ignored, not an error
        }
        try (TestSupport.Connected c = TestSupport.Connected.over("unix")) {
            c.client().setDelay(false); // no Nagle on unix sockets: a hint that does nothing
            c.client().writeAll(ascii("u"));
            assertEquals("u", readAscii(c.server(), 1));
        }
    }
}

package dev.qio.provider.socket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.IoCondition;
import dev.qio.channel.IoListener;
import dev.qio.testkit.Background;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a plain {@code java.nio} peer sees of our tcp sockets, and what ours see of it (on the
 * backend of this run): an ordinary close is a FIN, never a reset, and a close with
 * {@code linger=0} is a reset, never a FIN (Netty's SocketRstTest); a reset by the peer is an
 * exception, never EOF; a blocking write's count is exactly what the peer gets
 * (the JDK's ShortWrite); QEMU's 250 × 4,194-byte iov with 64 KiB socket buffers.
 */
@Timeout(60)
class PeerBehaviourTest {
    private static final int BIG = 4 << 20;

    /** Our client connected to a plain java.nio server socket; the test closes both. */
    private record Plain(IoChannel ours, SocketChannel peer, ServerSocketChannel server) implements AutoCloseable {
        static Plain connect(String query) throws IOException {
            ServerSocketChannel server = ServerSocketChannel.open();
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
            IoChannel ours = IoChannels.open("tcp://127.0.0.1:" + port + (query.isEmpty() ? "" : "?" + query));
            return new Plain(ours, server.accept(), server);
        }

        @Override
        public void close() throws IOException {
            try (server;
                    peer;
                    ours) {
                // all three, each even if another fails
            }
        }
    }

    private static byte[] data(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    /** Reads from the plain peer until EOF; a reset throws out of here. */
    private static byte[] readToEof(SocketChannel peer) throws IOException {
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        ByteBuffer b = ByteBuffer.allocate(64 << 10);
        while (peer.read(b.clear()) >= 0) {
            all.write(b.array(), 0, b.position());
        }
        return all.toByteArray();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 100_000})
    void anOrdinaryCloseIsAnEndOfStreamNeverAReset(int size) throws Exception {
        byte[] sent = data(size);
        try (Plain p = Plain.connect("")) {
            var reader = Background.start("plain-peer", () -> readToEof(p.peer()));
            p.ours().writeAll(ByteBuffer.wrap(sent));
            p.ours().close();
            assertArrayEquals(
                    sent, reader.result(), "the plain peer read what we wrote, then EOF (no Connection reset)");
        }
    }

    @Test
    void theAcceptedEndsCloseIsAnEndOfStreamToo() throws Exception {
        try (IoListener l = IoChannels.listen("tcp://127.0.0.1:0");
                SocketChannel peer = SocketChannel.open()) {
            peer.connect(new InetSocketAddress(
                    InetAddress.getLoopbackAddress(), l.localUri().getPort()));
            try (IoChannel server = l.accept()) {
                server.writeAll(ByteBuffer.wrap(data(1000)));
            }
            assertArrayEquals(data(1000), readToEof(peer));
        }
    }

    /**
     * With linger=0 our close is a reset only: the plain peer's reads end in "Connection reset",
     * never in EOF first (whatever of the data came before the RST it may read).
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 1000})
    void aLingerZeroCloseIsAResetNeverAnEndOfStream(int size) throws Exception {
        try (Plain p = Plain.connect("linger=0")) {
            p.ours().writeAll(ByteBuffer.wrap(data(size)));
            p.ours().close();
            IOException e =
                    assertThrows(IOException.class, () -> readToEof(p.peer()), "the peer read EOF, not a reset");
            assertTrue(e.getMessage().toLowerCase().contains("reset"), e.getMessage());
        }
    }

    /** A listener's linger=0 is on every socket it accepts: closing one resets its connection. */
    @Test
    void anAcceptedEndsLingerZeroCloseIsAResetToo() throws Exception {
        try (IoListener l = IoChannels.listen("tcp://127.0.0.1:0?linger=0");
                SocketChannel peer = SocketChannel.open()) {
            peer.connect(new InetSocketAddress(
                    InetAddress.getLoopbackAddress(), l.localUri().getPort()));
            l.accept().close();
            IOException e = assertThrows(IOException.class, () -> readToEof(peer), "the peer read EOF, not a reset");
            assertTrue(e.getMessage().toLowerCase().contains("reset"), e.getMessage());
        }
    }

    @Test
    void aResetByThePeerIsAnExceptionNeverEof() throws Exception {
        try (Plain p = Plain.connect("")) {
            p.peer().setOption(StandardSocketOptions.SO_LINGER, 0);
            p.peer().close(); // linger 0: an RST, no FIN
            p.ours().await(IoCondition.IN);
            IOException e = assertThrows(IOException.class, () -> p.ours().read(ByteBuffer.allocate(8)));
            assertTrue(e.getMessage().toLowerCase().contains("reset"), e.getMessage());
            assertThrows(IOException.class, () -> p.ours().read(ByteBuffer.allocate(8)), "a second read after a reset");
        }
    }

    /**
     * A blocking write of 4 MiB may return early (the contract: at least one byte), but the count is
     * exactly what moved: the buffer's position, and what the peer reads before EOF.
     */
    @Test
    void aBlockingWritesCountIsExactlyWhatThePeerGets() throws Exception {
        byte[] sent = data(BIG);
        try (Plain p = Plain.connect("sndbuf=65536")) {
            var reader = Background.start("plain-peer", () -> readToEof(p.peer()));
            ByteBuffer src = ByteBuffer.wrap(sent);
            int n = p.ours().write(src);
            assertTrue(n > 0 && n <= BIG, "a blocking write returned " + n);
            assertEquals(n, src.position(), "the buffer moved by what write returned");
            p.ours().close();
            assertArrayEquals(
                    Arrays.copyOf(sent, n), reader.result(), "the peer got exactly the " + n + " bytes reported");
        }
    }

    /** writeAll of 4 MiB in blocking mode is never short, on a platform and a virtual thread. */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aBlockingWriteAllIsNeverShort(boolean virtual) throws Exception {
        byte[] sent = data(BIG);
        try (Plain p = Plain.connect("sndbuf=65536")) {
            var reader = Background.start("plain-peer", () -> readToEof(p.peer()));
            ByteBuffer src = ByteBuffer.wrap(sent);
            var writer = virtual
                    ? Background.startVirtual("writer", () -> {
                        p.ours().writeAll(src);
                        return src.position();
                    })
                    : Background.start("writer", () -> {
                        p.ours().writeAll(src);
                        return src.position();
                    });
            assertEquals(BIG, writer.result(), "writeAll returned before writing everything");
            p.ours().close();
            assertArrayEquals(sent, reader.result());
        }
    }

    /**
     * QEMU's tests/unit/test-io-channel-socket.c: 250 buffers of 4,194 bytes through sockets whose
     * send and receive buffers are set to 64 KiB, written by writevAll in blocking mode and by
     * non-blocking writev waiting for OUT, read by readvAll into the same layout.
     */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void qemusIovCaseWithSixtyFourKibBuffers(boolean blocking) throws Exception {
        String buffers = "sndbuf=65536&rcvbuf=65536";
        byte[] sent = data(250 * 4194);
        try (IoListener l = IoChannels.listen("tcp://127.0.0.1:0?" + buffers);
                IoChannel client = IoChannels.open(l.localUri() + "?" + buffers);
                IoChannel server = l.accept()) {
            ByteBuffer[] out = new ByteBuffer[250];
            ByteBuffer[] in = new ByteBuffer[250];
            for (int i = 0; i < 250; i++) {
                out[i] = ByteBuffer.wrap(sent, i * 4194, 4194).slice();
                in[i] = ByteBuffer.allocate(4194);
            }
            var reader = Background.start("reader", () -> {
                server.readvAll(in);
                return true;
            });
            if (blocking) {
                client.writevAll(out);
            } else {
                client.setBlocking(false);
                while (out[249].hasRemaining()) {
                    if (client.writev(out) == IoChannel.ERR_BLOCK) {
                        client.await(IoCondition.OUT);
                    }
                }
            }
            assertTrue(reader.result());
            ByteBuffer got = ByteBuffer.allocate(sent.length);
            for (ByteBuffer b : in) {
                got.put(b.flip());
            }
            assertArrayEquals(sent, got.array());
        }
    }
}

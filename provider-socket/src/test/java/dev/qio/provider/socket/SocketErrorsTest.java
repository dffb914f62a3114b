package dev.qio.provider.socket;

import static dev.qio.testkit.TestIo.ascii;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.IoListener;
import dev.qio.channel.spi.AbstractIoChannel;
import dev.qio.testkit.Background;
import dev.qio.testkit.TestIo;
import java.io.EOFException;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Errors name the address: connection refused, unknown host, address in use, connect timeout,
 * and a reset by the peer is an error, never a quiet EOF. Loopback only: nothing here sends a
 * packet or a DNS query off this machine.
 */
@Timeout(30)
class SocketErrorsTest {

    private static void assertNames(Throwable e, String what) {
        assertTrue(
                e.getMessage() != null && e.getMessage().contains(what),
                "the message should name " + what + ": " + e.getMessage());
    }

    /** A port that was just listened on and closed: nothing listens there now. */
    private static int closedPort(String host) throws IOException {
        try (IoListener l = IoChannels.listen("tcp://" + host + ":0")) {
            return l.localUri().getPort();
        }
    }

    @Test
    void connectionRefusedNamesTheUri() throws IOException {
        String uri = "tcp://127.0.0.1:" + closedPort("127.0.0.1");
        ConnectException e = assertThrows(ConnectException.class, () -> IoChannels.open(uri));
        assertNames(e, uri);
        assertNames(e, "refused");
    }

    @Test
    void connectionRefusedOverIpv6NamesTheUri() throws IOException {
        Assumptions.assumeTrue(SocketFixtures.hasIpv6Loopback(), "this host has no IPv6 loopback (::1)");
        String uri = "tcp://[::1]:" + closedPort("[::1]");
        ConnectException e = assertThrows(ConnectException.class, () -> IoChannels.open(uri));
        assertNames(e, uri);
    }

    /**
     * With every address of a name refused, the error names the URI and keeps the earlier attempts
     * as suppressed. Both ports are held by bound sockets that do not listen, so both refusals are
     * certain.
     */
    @Test
    void everyAddressRefusedReportsTheLastAndKeepsTheOthers() throws IOException {
        Assumptions.assumeTrue(SocketFixtures.hasIpv6Loopback(), "this host has no IPv6 loopback (::1)");
        Assumptions.assumeTrue(
                InetAddress.getAllByName("localhost").length == 2, "localhost has two addresses in src/test/hosts");
        try (SocketChannel v4 = SocketChannel.open();
                SocketChannel v6 = SocketChannel.open()) {
            v4.bind(new InetSocketAddress("127.0.0.1", 0));
            int port = ((InetSocketAddress) v4.getLocalAddress()).getPort();
            try {
                v6.bind(new InetSocketAddress("::1", port));
            } catch (IOException e) {
                Assumptions.abort("[::1]:" + port + " is in use by someone else, so its refusal is not certain: " + e);
            }
            String uri = "tcp://localhost:" + port;
            ConnectException e = assertThrows(ConnectException.class, () -> IoChannels.open(uri));
            assertNames(e, uri);
            assertEquals(1, e.getSuppressed().length, "the first address's refusal is kept as suppressed");
            assertNames(e.getSuppressed()[0], uri);
        }
    }

    /**
     * Host names resolve from src/test/hosts only (jdk.net.hosts.file, set in pom.xml), so this
     * lookup fails on this machine without a DNS query; run without that file, it skips rather
     * than ask the network.
     */
    @Test
    void unknownHostNamesTheHostAndTheUri() {
        Assumptions.assumeTrue(
                System.getProperty("jdk.net.hosts.file") != null,
                "jdk.net.hosts.file is not set: an unknown host would be looked up in DNS, off this machine");
        String uri = "tcp://no-such-host.invalid:1";
        UnknownHostException e = assertThrows(UnknownHostException.class, () -> IoChannels.open(uri));
        assertNames(e, uri);
        assertNames(e, "no-such-host.invalid");
        UnknownHostException l =
                assertThrows(UnknownHostException.class, () -> IoChannels.listen("tcp://no-such-host.invalid:0"));
        assertNames(l, "no-such-host.invalid");
    }

    @Test
    void listeningTwiceOnOnePortIsAddressInUse() throws IOException {
        try (IoListener first = IoChannels.listen("tcp://127.0.0.1:0")) {
            String again = first.localUri().toString();
            BindException e = assertThrows(BindException.class, () -> IoChannels.listen(again));
            assertNames(e, again);
            assertNames(e, "address in use");
            try (IoChannel client = IoChannels.open(first.localUri());
                    IoChannel server = first.accept()) {
                client.writeAll(ascii("ok"));
                assertEquals(
                        "ok", TestIo.readAscii(server, 2), "the failed listen must not disturb the first listener");
            }
        }
    }

    /**
     * A full backlog on Linux drops new SYNs, so a connect to it hangs: with backlog=1 and nobody
     * accepting, open clients until one hangs, which connect-timeout=200 turns into a
     * SocketTimeoutException naming the URI. Only loopback traffic: this replaces the usual
     * "connect to a black-hole address" trick, which would send packets off the machine.
     */
    @Test
    void connectTimeoutNamesTheUri() throws IOException {
        List<IoChannel> connected = new ArrayList<>();
        try (IoListener listener = IoChannels.listen("tcp://127.0.0.1:0?backlog=1")) {
            String uri = listener.localUri() + "?connect-timeout=200";
            SocketTimeoutException timeout = null;
            for (int i = 0; i < 32 && timeout == null; i++) {
                try {
                    connected.add(IoChannels.open(uri));
                } catch (SocketTimeoutException e) {
                    timeout = e;
                }
            }
            Assumptions.assumeTrue(
                    timeout != null,
                    "this kernel completed " + connected.size()
                            + " connections to a listener with backlog=1 that never accepts, so no connect hangs to time out");
            assertNames(timeout, uri);
            assertNames(timeout, "timed out");
            assertTrue(connected.size() >= 1, "the first client fits in the backlog");
        } finally {
            for (IoChannel c : connected) {
                c.close();
            }
        }
    }

    /**
     * A reset (the peer closes with SO_LINGER 0, sending RST) is an IOException naming the channel,
     * not EOF: for a reader parked in a blocking read, and for the next read and write.
     */
    @Test
    void peerResetIsAnErrorNotEof() throws Exception {
        try (ServerSocketChannel plain = ServerSocketChannel.open()) {
            plain.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = ((InetSocketAddress) plain.getLocalAddress()).getPort();
            try (IoChannel ours = IoChannels.open("tcp://127.0.0.1:" + port)) {
                SocketChannel peer = plain.accept();
                var reader = Background.start("reader", () -> ours.read(ByteBuffer.allocate(16)));
                reader.awaitBlockedIn(AbstractIoChannel.class);
                peer.setOption(StandardSocketOptions.SO_LINGER, 0);
                peer.close(); // RST, not FIN
                Throwable t = reader.failure();
                assertInstanceOf(IOException.class, t);
                assertFalse(t instanceof EOFException || t instanceof ClosedChannelException, t.toString());
                assertNames(t, ours.name());
                assertTrue(ours.isOpen(), "a reset does not close our channel; the caller does");
                // java.nio remembers the reset: later reads fail the same way, and so do writes.
                assertNames(assertThrows(IOException.class, () -> ours.read(ByteBuffer.allocate(16))), ours.name());
                assertNames(assertThrows(IOException.class, () -> ours.write(ascii("after reset"))), ours.name());
            }
        }
    }

    /** Non-blocking mode: a reset that arrived while idle surfaces on the next read, not as ERR_BLOCK. */
    @Test
    void peerResetSeenByANonBlockingRead() throws Exception {
        try (ServerSocketChannel plain = ServerSocketChannel.open()) {
            plain.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = ((InetSocketAddress) plain.getLocalAddress()).getPort();
            try (IoChannel ours = IoChannels.open("tcp://127.0.0.1:" + port)) {
                ours.setBlocking(false);
                assertEquals(IoChannel.ERR_BLOCK, ours.read(ByteBuffer.allocate(16)));
                SocketChannel peer = plain.accept();
                peer.setOption(StandardSocketOptions.SO_LINGER, 0);
                peer.close();
                ours.await(dev.qio.channel.IoCondition.IN); // the reset makes the socket readable
                IOException e = assertThrows(IOException.class, () -> ours.read(ByteBuffer.allocate(16)));
                assertNames(e, ours.name());
            }
        }
    }
}

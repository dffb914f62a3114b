package dev.qio.provider.socket;

import static dev.qio.testkit.TestIo.ascii;
import static dev.qio.testkit.TestIo.readAscii;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.IoListener;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code tcp://}: connecting by IPv4 and IPv6 literal and by name, binding, and the options that shape both. */
@Timeout(30)
class TcpConnectTest {

    /** Sends a few bytes each way, proving the two ends are one connection. */
    private static void exchange(IoChannel client, IoChannel server) throws IOException {
        client.writeAll(ascii("ping"));
        assertEquals("ping", readAscii(server, 4));
        server.writeAll(ascii("pong"));
        assertEquals("pong", readAscii(client, 4));
    }

    @Test
    void ipv4ListenerReportsTheRealPortAndAcceptsAClient() throws IOException {
        try (IoListener listener = IoChannels.listen("tcp://127.0.0.1:0")) {
            URI local = listener.localUri();
            assertEquals("tcp", local.getScheme());
            assertEquals("127.0.0.1", local.getHost());
            assertTrue(local.getPort() > 0, "port 0 was asked; the real port is reported: " + local);
            assertEquals(local.toString(), listener.name());
            try (IoChannel client = IoChannels.open(local);
                    IoChannel server = listener.accept()) {
                assertEquals(local.toString(), client.name(), "a channel is named by the URI it was opened with");
                assertEquals(local + "#client-1", server.name());
                assertTrue(client.isBlocking() && server.isBlocking(), "new channels are blocking");
                exchange(client, server);
                // The accepted end's peer is the client's local address: the same connection, seen from both sides.
                assertEquals(Kernel.of(client).local(), Kernel.of(server).remote());
            }
        }
    }

    @Test
    void ipv6LiteralInBrackets() throws IOException {
        Assumptions.assumeTrue(SocketFixtures.hasIpv6Loopback(), "this host has no IPv6 loopback (::1)");
        try (IoListener listener = IoChannels.listen("tcp://[::1]:0")) {
            URI local = listener.localUri();
            assertEquals("[::1]", local.getHost(), "the bound address, printed as RFC 5952 text: " + local);
            assertTrue(local.getPort() > 0);
            // The long form of the literal names the same address.
            try (IoChannel client = IoChannels.open("tcp://[0:0:0:0:0:0:0:1]:" + local.getPort());
                    IoChannel server = listener.accept()) {
                exchange(client, server);
                InetSocketAddress peer = (InetSocketAddress) Kernel.of(server).remote();
                assertEquals(InetAddress.getByName("::1"), peer.getAddress());
            }
        }
    }

    /** {@code localhost} resolves (from src/test/hosts, never DNS) to 127.0.0.1 and then ::1. */
    @Test
    void hostNameConnectsToAnIpv4Listener() throws IOException {
        try (IoListener listener = IoChannels.listen("tcp://127.0.0.1:0");
                IoChannel client =
                        IoChannels.open("tcp://localhost:" + listener.localUri().getPort());
                IoChannel server = listener.accept()) {
            assertEquals("tcp://localhost:" + listener.localUri().getPort(), client.name());
            exchange(client, server);
        }
    }

    /**
     * A name is tried address by address, as QEMU's {@code inet_connect_saddr} does: with the
     * listener on ::1 only, the first address of {@code localhost} (127.0.0.1) refuses and the
     * second connects. The IPv4 port is held by a bound socket that does not listen, so the refusal
     * is certain.
     */
    @Test
    void hostNameTriesEachAddressUntilOneConnects() throws IOException {
        Assumptions.assumeTrue(SocketFixtures.hasIpv6Loopback(), "this host has no IPv6 loopback (::1)");
        try (IoListener listener = IoChannels.listen("tcp://[::1]:0");
                SocketChannel hold = SocketChannel.open()) {
            int port = listener.localUri().getPort();
            try {
                hold.bind(new InetSocketAddress("127.0.0.1", port));
            } catch (IOException e) {
                Assumptions.abort(
                        "127.0.0.1:" + port + " is in use by someone else, so its refusal is not certain: " + e);
            }
            try (IoChannel client = IoChannels.open("tcp://localhost:" + port);
                    IoChannel server = listener.accept()) {
                exchange(client, server);
            }
        }
    }

    @Test
    void listenByHostName() throws IOException {
        try (IoListener listener = IoChannels.listen("tcp://localhost:0")) {
            assertEquals("127.0.0.1", listener.localUri().getHost(), "a name listens on its first address");
            try (IoChannel client = IoChannels.open(listener.localUri());
                    IoChannel server = listener.accept()) {
                exchange(client, server);
            }
        }
    }

    @Test
    void connectTimeoutThatDoesNotExpireConnects() throws IOException {
        try (IoListener listener = IoChannels.listen("tcp://127.0.0.1:0");
                IoChannel client = IoChannels.open(listener.localUri() + "?connect-timeout=30000");
                IoChannel server = listener.accept()) {
            exchange(client, server);
        }
    }

    @Test
    void optionsReachTheSockets() throws IOException {
        try (IoListener listener =
                        IoChannels.listen("tcp://127.0.0.1:0?nodelay=true&keepalive=on&rcvbuf=64k&backlog=5");
                IoChannel client = IoChannels.open(listener.localUri() + "?nodelay=yes&keepalive=true&sndbuf=64k");
                IoChannel server = listener.accept()) {
            Kernel c = Kernel.of(client);
            Kernel s = Kernel.of(server);
            assertTrue(c.noDelay());
            assertTrue(c.keepAlive());
            assertTrue(c.sendBuffer() >= 65_536, "sndbuf=64k");
            assertTrue(s.noDelay(), "accepted sockets get the listener's options");
            assertTrue(s.keepAlive());
            assertTrue(s.receiveBuffer() >= 65_536, "rcvbuf=64k");
            exchange(client, server);
        }
        try (IoListener listener = IoChannels.listen("tcp://127.0.0.1:0");
                IoChannel client = IoChannels.open(listener.localUri() + "?nodelay=false&keepalive=off");
                IoChannel server = listener.accept()) {
            Kernel c = Kernel.of(client);
            assertEquals(false, c.noDelay());
            assertEquals(false, c.keepAlive());
        }
    }

    /** A backlog larger than the default (50) holds that many clients that nobody has accepted yet. */
    @Test
    void backlogHoldsPendingClients() throws IOException {
        int pending = 60;
        List<IoChannel> clients = new ArrayList<>();
        try (IoListener listener = IoChannels.listen("tcp://127.0.0.1:0?backlog=128")) {
            for (int i = 0; i < pending; i++) {
                IoChannel c = IoChannels.open(listener.localUri());
                clients.add(c);
                c.writeAll(ascii(String.format("%03d", i)));
            }
            for (int i = 0; i < pending; i++) {
                try (IoChannel server = listener.accept()) {
                    assertEquals(
                            String.format("%03d", i),
                            readAscii(server, 3),
                            "clients are accepted in the order they connected");
                }
            }
        } finally {
            for (IoChannel c : clients) {
                c.close();
            }
        }
    }

    @Test
    void eachListenOnPortZeroGetsItsOwnPort() throws IOException {
        try (IoListener a = IoChannels.listen("tcp://127.0.0.1:0");
                IoListener b = IoChannels.listen("tcp://127.0.0.1:0")) {
            assertNotEquals(a.localUri().getPort(), b.localUri().getPort());
        }
    }

    @Test
    void endpointPrintsIpv6AsRfc5952() {
        assertEquals("::1", Endpoint.compress("0:0:0:0:0:0:0:1"));
        assertEquals("::", Endpoint.compress("0:0:0:0:0:0:0:0"));
        assertEquals("fe80::1:2", Endpoint.compress("fe80:0:0:0:0:0:1:2"));
        assertEquals("1:0:2::3", Endpoint.compress("1:0:2:0:0:0:0:3"), "a single zero group stays");
        assertEquals("1:0:0:2::3", Endpoint.compress("1:0:0:2:0:0:0:3"), "the longest run is compressed");
        assertEquals("1::2:0:0:3:4", Endpoint.compress("1:0:0:2:0:0:3:4"), "of equal runs, the first");
        assertEquals("1:2:3:4:5:6:7:8", Endpoint.compress("1:2:3:4:5:6:7:8"));
    }
}

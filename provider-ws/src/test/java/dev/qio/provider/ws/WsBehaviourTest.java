package dev.qio.provider.ws;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qio.channel.Feature;
import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.IoListener;
import dev.qio.channel.Shutdown;
import dev.qio.testkit.Registrations;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The protocol details the kit cannot see: registration, options, masking, control frames, fragments, closing. */
@Timeout(60)
class WsBehaviourTest {
    private static final byte[] MASK = {9, 8, 7, 6};

    @Test
    void servicesFileAndModuleDescriptorAgree() throws Exception {
        assertEquals(Set.of(WsProvider.class.getName()), Registrations.assertAgree(WsProvider.class));
        assertInstanceOf(WsProvider.class, IoChannels.registry().providerFor(java.net.URI.create("WS+tcp://x:1")));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "ws+mem://o?max-frame=lots | option 'max-frame' 'lots' is not a byte count",
                "ws+mem://o?max-frame=12 | option 'max-frame' 12 is out of range",
                "ws+mem://o?text=maybe | option 'text' 'maybe' is not one of refuse, accept",
                "ws+mem://o?path=nope | option 'path' 'nope' is not an absolute path",
                "ws+mem://o?handshake-timeout=soon | option 'handshake-timeout' 'soon' is not an integer",
                "ws+mem://o?write-frame=0 | option 'write-frame' 0 is out of range",
                "ws+mem://o?wat=1 | unknown option 'wat'",
                "ws://127.0.0.1:1 | ws is a layer: write ws+SCHEME://"
            })
    void badOptionsNameOptionAndValue(String uri, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IoChannels.listen(uri));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void featuresFollowTheInnerChannelButNeverFdPassing() throws Exception {
        try (Pair p = Pair.mem("")) {
            assertEquals(Set.of(Feature.SHUTDOWN, Feature.CONCURRENT_IO), p.client.features());
            assertEquals(Set.of(Feature.SHUTDOWN, Feature.CONCURRENT_IO), p.server.features());
            assertTrue(p.client.name().startsWith("ws+mem://"), p.client.name());
        }
    }

    @Test
    void aClientMasksEveryFrameWithAFreshKeyAndChecksTheAccept() throws Exception {
        try (ServerSocket ss = new ServerSocket(0)) {
            CompletableFuture<IoChannel> opening =
                    CompletableFuture.supplyAsync(() -> open("ws+tcp://127.0.0.1:" + ss.getLocalPort() + "/vnc"));
            try (Socket s = ss.accept()) {
                String request = WsMalformedTest.head(s.getInputStream());
                assertTrue(request.startsWith("GET /vnc HTTP/1.1\r\n"), request);
                assertTrue(request.contains("\r\nHost: 127.0.0.1:" + ss.getLocalPort() + "\r\n"), request);
                assertTrue(request.contains("\r\nSec-WebSocket-Protocol: binary\r\n"), request);
                String key = request.lines()
                        .filter(l -> l.startsWith("Sec-WebSocket-Key: "))
                        .findFirst()
                        .orElseThrow()
                        .substring(19);
                s.getOutputStream()
                        .write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                        + "Sec-WebSocket-Accept: " + Upgrade.accept(key) + "\r\n\r\n")
                                .getBytes(StandardCharsets.ISO_8859_1));
                try (IoChannel client = opening.get(30, TimeUnit.SECONDS)) {
                    assertEquals("", ((WsChannel) client).subprotocol(), "the server chose none");
                    client.writeAll(ByteBuffer.wrap("one".getBytes(StandardCharsets.US_ASCII)));
                    client.writeAll(ByteBuffer.wrap("two".getBytes(StandardCharsets.US_ASCII)));
                    DataInputStream in = new DataInputStream(s.getInputStream());
                    int key1 = readMaskedFrame(in, "one");
                    int key2 = readMaskedFrame(in, "two");
                    assertNotEquals(key1, key2, "each frame has its own mask key");
                }
            }
        }
    }

    /** Reads a masked FIN binary frame from a client and checks its payload; returns its key. */
    private static int readMaskedFrame(DataInputStream in, String payload) throws IOException {
        assertEquals(0x82, in.readUnsignedByte());
        int second = in.readUnsignedByte();
        assertEquals(0x80 | payload.length(), second, "masked, short length");
        int key = in.readInt();
        byte[] p = new byte[payload.length()];
        in.readFully(p);
        for (int i = 0; i < p.length; i++) {
            p[i] ^= (byte) (key >>> (24 - 8 * (i & 3)));
        }
        assertEquals(payload, new String(p, StandardCharsets.US_ASCII));
        return key;
    }

    @Test
    void aClientRefusesAServerThatDoesNotProveTheUpgrade() throws Exception {
        try (ServerSocket ss = new ServerSocket(0)) {
            CompletableFuture<IoChannel> opening =
                    CompletableFuture.supplyAsync(() -> open("ws+tcp://127.0.0.1:" + ss.getLocalPort()));
            try (Socket s = ss.accept()) {
                WsMalformedTest.head(s.getInputStream());
                s.getOutputStream()
                        .write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                        + "Sec-WebSocket-Accept: d3Jvbmc=\r\n\r\n")
                                .getBytes(StandardCharsets.ISO_8859_1));
                Throwable e = assertThrows(
                                java.util.concurrent.ExecutionException.class, () -> opening.get(30, TimeUnit.SECONDS))
                        .getCause();
                assertInstanceOf(WsHandshakeException.class, e.getCause(), String.valueOf(e));
                assertTrue(e.getMessage().contains("Sec-WebSocket-Accept is not the hash of our key"), e.getMessage());
            }
        }
    }

    @Test
    void pingsAreAnsweredFragmentsJoinAndTextIsCheckedAcrossThem() throws Exception {
        try (IoListener listener = IoChannels.listen("ws+tcp://127.0.0.1:0?text=accept");
                Socket raw = new Socket("127.0.0.1", listener.localUri().getPort())) {
            raw.getOutputStream()
                    .write(WsMalformedTest.request(
                                    "GET / HTTP/1.1",
                                    "Host: x",
                                    "Upgrade: websocket",
                                    "Connection: Upgrade",
                                    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
                                    "Sec-WebSocket-Version: 13")
                            .getBytes(StandardCharsets.ISO_8859_1));
            try (IoChannel server = listener.accept()) {
                DataInputStream in = new DataInputStream(raw.getInputStream());
                assertTrue(WsMalformedTest.head(in)
                        .contains("\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"));
                byte[] euro = "€uro".getBytes(StandardCharsets.UTF_8); // the euro sign is three bytes: split it
                OutputStream o = raw.getOutputStream();
                o.write(WsMalformedTest.frame(0x01, MASK, java.util.Arrays.copyOf(euro, 2)));
                o.write(WsMalformedTest.frame(0x89, MASK, "are you there".getBytes(StandardCharsets.US_ASCII)));
                o.write(WsMalformedTest.frame(0x00, MASK, new byte[0]));
                o.write(WsMalformedTest.frame(0x80, MASK, java.util.Arrays.copyOfRange(euro, 2, euro.length)));
                byte[] got = new byte[euro.length];
                server.readAll(ByteBuffer.wrap(got));
                assertArrayEquals(euro, got, "the fragments' payload joins into one stream");
                assertEquals(0x8A, in.readUnsignedByte(), "a pong");
                byte[] pong = new byte[in.readUnsignedByte()];
                in.readFully(pong);
                assertEquals(
                        "are you there",
                        new String(pong, StandardCharsets.US_ASCII),
                        "the pong carries the ping's payload");
                o.write(WsMalformedTest.frame(0x81, MASK, new byte[] {(byte) 0xC3, 0x28}));
                WsCloseException e = assertThrows(WsCloseException.class, () -> server.read(ByteBuffer.allocate(8)));
                assertEquals(1007, e.code(), e.getMessage());
            }
        }
    }

    @Test
    void shutdownWriteIsACloseFrameTheCleanCloseIsEofAndTheOtherWayStillWorks() throws Exception {
        try (Pair p = Pair.mem("")) {
            p.client.shutdown(Shutdown.WRITE);
            assertEquals(IoChannel.EOF, p.server.read(ByteBuffer.allocate(8)), "a close frame with 1000 reads as EOF");
            assertEquals(IoChannel.EOF, p.server.read(ByteBuffer.allocate(8)), "and keeps doing so");
            assertThrows(
                    IOException.class, () -> p.client.write(ByteBuffer.allocate(1)), "no data after our close frame");
            p.server.writeAll(ByteBuffer.wrap(new byte[] {1, 2, 3}));
            p.server.close();
            ByteBuffer got = ByteBuffer.allocate(3);
            p.client.readAll(got);
            assertArrayEquals(new byte[] {1, 2, 3}, got.array());
            assertEquals(IoChannel.EOF, p.client.read(ByteBuffer.allocate(1)));
        }
    }

    @Test
    void aClientThatSaysNothingTimesOutAndTheListenerGoesOn() throws Exception {
        try (IoListener listener = IoChannels.listen("ws+tcp://127.0.0.1:0?handshake-timeout=300");
                Socket silent = new Socket("127.0.0.1", listener.localUri().getPort())) {
            WsHandshakeException e = assertThrows(WsHandshakeException.class, listener::accept);
            assertTrue(e.getMessage().contains("no WebSocket upgrade within 300 ms"), e.getMessage());
            assertEquals(-1, silent.getInputStream().read(), "the silent client is hung up on");
        }
    }

    @Test
    void aServerWithOriginsRefusesOthersWith403AndAClientSendsItsOrigin() throws Exception {
        try (IoListener listener = IoChannels.listen("ws+tcp://127.0.0.1:0?origin=http://good.example")) {
            CompletableFuture<IoChannel> evil =
                    CompletableFuture.supplyAsync(() -> open(listener.localUri() + "?origin=http://evil.example"));
            WsHandshakeException refused = assertThrows(WsHandshakeException.class, listener::accept);
            assertEquals(403, refused.status());
            assertTrue(
                    refused.getMessage().contains("origin http://evil.example is not allowed"), refused.getMessage());
            Throwable e = assertThrows(
                            java.util.concurrent.ExecutionException.class, () -> evil.get(30, TimeUnit.SECONDS))
                    .getCause();
            assertInstanceOf(WsHandshakeException.class, e.getCause(), String.valueOf(e));
            assertEquals(403, ((WsHandshakeException) e.getCause()).status());
            CompletableFuture<IoChannel> good =
                    CompletableFuture.supplyAsync(() -> open(listener.localUri() + "?origin=http://good.example"));
            try (IoChannel server = listener.accept();
                    IoChannel client = good.get(30, TimeUnit.SECONDS)) {
                assertTrue(((WsChannel) client).isClient() && !((WsChannel) server).isClient());
            }
        }
    }

    @Test
    void overUnixThePathIsAnOption(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        String uri = "ws+unix://" + dir.resolve("ws.sock") + "?path=/vnc";
        try (IoListener listener = IoChannels.listen(uri)) {
            CompletableFuture<IoChannel> opening = CompletableFuture.supplyAsync(() -> open(uri));
            try (IoChannel server = listener.accept();
                    IoChannel client = opening.get(30, TimeUnit.SECONDS)) {
                client.writeAll(ByteBuffer.wrap(new byte[] {4, 5, 6}));
                ByteBuffer got = ByteBuffer.allocate(3);
                server.readAll(got);
                assertArrayEquals(new byte[] {4, 5, 6}, got.array());
            }
            CompletableFuture<IoChannel> wrongPath =
                    CompletableFuture.supplyAsync(() -> open(uri.replace("/vnc", "/other")));
            assertEquals(
                    404,
                    assertThrows(WsHandshakeException.class, listener::accept).status());
            assertThrows(java.util.concurrent.ExecutionException.class, () -> wrongPath.get(30, TimeUnit.SECONDS));
        }
    }

    private static IoChannel open(String uri) {
        try {
            return IoChannels.open(uri);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A ws+mem pair: a client and the accepted server end. */
    private record Pair(IoListener listener, IoChannel client, IoChannel server) implements AutoCloseable {
        static Pair mem(String query) throws Exception {
            IoListener l = IoChannels.listen("ws+mem://" + WsFixtures.memName() + query);
            CompletableFuture<IoChannel> c =
                    CompletableFuture.supplyAsync(() -> open(l.localUri().toString()));
            IoChannel s = l.accept();
            return new Pair(l, c.get(30, TimeUnit.SECONDS), s);
        }

        @Override
        public void close() throws IOException {
            try (listener;
                    client;
                    server) {
                // all three, in reverse order
            }
        }
    }
}

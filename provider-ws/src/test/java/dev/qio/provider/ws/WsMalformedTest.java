package dev.qio.provider.ws;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.IoListener;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind of bad input a server can meet, sent by hand over a plain socket: the client gets
 * the HTTP status or close code RFC 6455 names, the server's accept or read throws an exception
 * naming the problem, and the listener then serves a well-behaved client.
 */
@Timeout(60)
class WsMalformedTest {
    private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";

    static String request(String requestLine, String... headers) {
        StringBuilder b = new StringBuilder(requestLine).append("\r\n");
        for (String h : headers) {
            b.append(h).append("\r\n");
        }
        return b.append("\r\n").toString();
    }

    private static String good(String... extra) {
        String[] base = {
            "Host: 127.0.0.1",
            "Upgrade: websocket",
            "Connection: keep-alive, Upgrade",
            "Sec-WebSocket-Key: " + KEY,
            "Sec-WebSocket-Version: 13"
        };
        return request(
                "GET / HTTP/1.1",
                Stream.concat(Stream.of(base), Stream.of(extra)).toArray(String[]::new));
    }

    static Stream<Arguments> badRequests() {
        String h = "Host: 127.0.0.1";
        String up = "Upgrade: websocket";
        String conn = "Connection: Upgrade";
        String key = "Sec-WebSocket-Key: " + KEY;
        String v13 = "Sec-WebSocket-Version: 13";
        return Stream.of(
                Arguments.of(
                        "no spaces", request("GET/HTTP/1.1", h, up, conn, key, v13), 400, "malformed request line"),
                Arguments.of("method only", request("GET", h, up, conn, key, v13), 400, "malformed request line"),
                Arguments.of(
                        "not HTTP", request("GET / FTP/1.1", h, up, conn, key, v13), 400, "malformed request line"),
                Arguments.of("bad method", request("POST / HTTP/1.1", h, up, conn, key, v13), 405, "POST is not GET"),
                Arguments.of(
                        "bad version",
                        request("GET / HTTP/1.0", h, up, conn, key, v13),
                        505,
                        "HTTP/1.0 is not HTTP/1.1"),
                Arguments.of(
                        "malformed header",
                        request("GET / HTTP/1.1", h, "Upgrade websocket", conn, key, v13),
                        400,
                        "malformed header"),
                Arguments.of(
                        "folded header",
                        request("GET / HTTP/1.1", h, up, conn, " continued", key, v13),
                        400,
                        "malformed header"),
                Arguments.of("no host", request("GET / HTTP/1.1", up, conn, key, v13), 400, "no Host"),
                Arguments.of("no upgrade", request("GET / HTTP/1.1", h, conn, key, v13), 400, "Upgrade: websocket"),
                Arguments.of("no connection", request("GET / HTTP/1.1", h, up, key, v13), 400, "Connection: Upgrade"),
                Arguments.of("no key", request("GET / HTTP/1.1", h, up, conn, v13), 400, "no Sec-WebSocket-Key"),
                Arguments.of(
                        "short key",
                        request("GET / HTTP/1.1", h, up, conn, "Sec-WebSocket-Key: c2hvcnQ=", v13),
                        400,
                        "not 16 bytes"),
                Arguments.of(
                        "no version", request("GET / HTTP/1.1", h, up, conn, key), 426, "no Sec-WebSocket-Version"),
                Arguments.of(
                        "wrong version",
                        request("GET / HTTP/1.1", h, up, conn, key, "Sec-WebSocket-Version: 8"),
                        426,
                        "is not 13"),
                Arguments.of("wrong path", good().replace("GET / ", "GET /other "), 404, "path /other is not /"),
                Arguments.of("head too long", good("X-Pad: " + "a".repeat(9000)), 431, "longer than 8192"));
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("badRequests")
    void aBadRequestGetsItsStatusAndTheListenerGoesOn(String what, String request, int status, String problem)
            throws Exception {
        try (IoListener listener = IoChannels.listen("ws+tcp://127.0.0.1:0/")) {
            try (Socket raw = new Socket("127.0.0.1", listener.localUri().getPort())) {
                raw.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
                WsHandshakeException e = assertThrows(WsHandshakeException.class, listener::accept, what);
                assertEquals(status, e.status(), e.getMessage());
                assertTrue(e.getMessage().contains(problem), e.getMessage());
                String answer = new String(raw.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                assertTrue(answer.startsWith("HTTP/1.1 " + status + " "), answer);
                if (status == 426) {
                    assertTrue(answer.contains("\r\nSec-WebSocket-Version: 13\r\n"), answer);
                }
            }
            assertServes(listener);
        }
    }

    static Stream<Arguments> badFrames() {
        byte[] mask = {1, 2, 3, 4};
        return Stream.of(
                Arguments.of("unmasked client frame", new byte[] {(byte) 0x82, 3, 'a', 'b', 'c'}, 1002, "not masked"),
                Arguments.of("reserved bit", frame(0xC2, mask, new byte[] {1}), 1002, "reserved bits"),
                Arguments.of("unknown opcode", frame(0x83, mask, new byte[] {1}), 1002, "unknown opcode"),
                Arguments.of("control frame over 125", frame(0x89, mask, new byte[126]), 1002, "more than 125 bytes"),
                Arguments.of("fragmented control frame", frame(0x09, mask, new byte[] {1}), 1002, "fragmented"),
                Arguments.of("continuation without message", frame(0x80, mask, new byte[] {1}), 1002, "continuation"),
                Arguments.of(
                        "new message inside a message",
                        concat(frame(0x02, mask, new byte[] {1}), frame(0x82, mask, new byte[] {2})),
                        1002,
                        "before the fragmented one ended"),
                Arguments.of("oversized frame", frame(0x82, mask, new byte[2048]), 1009, "exceeds max-frame"),
                Arguments.of(
                        "text refused", frame(0x81, mask, "hi".getBytes(StandardCharsets.UTF_8)), 1003, "text=refuse"),
                Arguments.of(
                        "bad close code", frame(0x88, mask, new byte[] {0x03, (byte) 0xED}), 1002, "may not be sent"),
                Arguments.of(
                        "abnormal close from the peer",
                        frame(
                                0x88,
                                mask,
                                concat(new byte[] {0x0F, (byte) 0xA0}, "bye".getBytes(StandardCharsets.UTF_8))),
                        4000,
                        "closed the WebSocket with 4000 (application-defined): bye"));
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("badFrames")
    void aBadFrameGetsItsCloseCodeAndTheListenerGoesOn(String what, byte[] bytes, int code, String problem)
            throws Exception {
        try (IoListener listener = IoChannels.listen("ws+tcp://127.0.0.1:0?max-frame=1k")) {
            try (Socket raw = new Socket("127.0.0.1", listener.localUri().getPort())) {
                raw.getOutputStream().write(good().getBytes(StandardCharsets.ISO_8859_1));
                try (IoChannel server = listener.accept()) {
                    InputStream in = raw.getInputStream();
                    String head = head(in);
                    assertTrue(head.startsWith("HTTP/1.1 101 "), head);
                    raw.getOutputStream().write(bytes);
                    WsCloseException e =
                            assertThrows(WsCloseException.class, () -> server.read(ByteBuffer.allocate(64)), what);
                    assertEquals(code, e.code(), e.getMessage());
                    assertTrue(e.getMessage().contains(problem), e.getMessage());
                    assertTrue(e.getMessage().contains(server.name()), e.getMessage());
                    assertThrows(
                            WsCloseException.class, () -> server.read(ByteBuffer.allocate(64)), "the failure sticks");
                    DataInputStream frames = new DataInputStream(in);
                    assertEquals(0x88, frames.readUnsignedByte(), "a close frame comes back");
                    int length = frames.readUnsignedByte();
                    assertTrue(length >= 2 && length <= 125, "an unmasked close frame with a code: " + length);
                    assertEquals(code, frames.readUnsignedShort(), "the close code sent back");
                }
            }
            assertServes(listener);
        }
    }

    /** A good client still gets through, and its bytes come back whole. */
    private static void assertServes(IoListener listener) throws Exception {
        CompletableFuture<IoChannel> client = CompletableFuture.supplyAsync(() -> {
            try {
                return IoChannels.open(listener.localUri());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        try (IoChannel server = listener.accept();
                IoChannel c = client.get(30, TimeUnit.SECONDS)) {
            byte[] data = Peers.random(1000, 3); // under the max-frame of the listeners above
            c.writeAll(ByteBuffer.wrap(data));
            byte[] got = new byte[data.length];
            server.readAll(ByteBuffer.wrap(got));
            assertArrayEquals(data, got);
        }
    }

    /** A masked frame with the first byte {@code b0}. */
    static byte[] frame(int b0, byte[] mask, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(b0);
        if (payload.length <= 125) {
            out.write(0x80 | payload.length);
        } else {
            out.write(0x80 | 126);
            out.write(payload.length >> 8);
            out.write(payload.length & 0xFF);
        }
        out.writeBytes(mask);
        for (int i = 0; i < payload.length; i++) {
            out.write(payload[i] ^ mask[i & 3]);
        }
        return out.toByteArray();
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    /** Reads an HTTP head, up to and including its blank line. */
    static String head(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        while (!b.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            b.append((char) c);
        }
        return b.toString();
    }
}

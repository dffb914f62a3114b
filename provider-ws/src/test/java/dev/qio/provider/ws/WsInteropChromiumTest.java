package dev.qio.provider.ws;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.qio.channel.EventLoop;
import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.IoListener;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * QEMU's noVNC case: a headless Chromium opens {@code new WebSocket("ws://127.0.0.1:PORT/",
 * "binary")} to a qio listener. The page sends a known pattern in messages of growing size and
 * echoes every message it gets; the test checks the pattern and the echo of random bytes, byte
 * for byte. The page is served over plain HTTP from 127.0.0.1 by a few lines on a qio
 * {@code tcp://} listener: Chromium refuses a {@code data:} page (an opaque, public origin) a
 * connection to the loopback address (Private Network Access).
 */
@Timeout(180)
class WsInteropChromiumTest {
    private static final int PATTERN = 200_000;
    private static final int ECHO = 300_000;

    private static String page(int port) {
        return """
                <!doctype html><title>qio</title><script>
                const ws = new WebSocket("ws://127.0.0.1:%d/", "binary");
                ws.binaryType = "arraybuffer";
                ws.onopen = () => {
                  const a = new Uint8Array(%d);
                  for (let i = 0; i < a.length; i++) a[i] = (i * 7 + 3) & 255;
                  for (let off = 0, k = 1; off < a.length; off += 1000 * k, k++) ws.send(a.subarray(off, off + 1000 * k));
                };
                ws.onmessage = (e) => ws.send(e.data);
                </script>""".formatted(port, PATTERN);
    }

    /** Answers one HTTP request: the page for {@code /}, 404 for anything else (the favicon). */
    private static void serve(IoChannel c, byte[] html) {
        try (c) {
            ByteBuffer head = ByteBuffer.allocate(8192);
            while (!new String(head.array(), 0, head.position(), StandardCharsets.ISO_8859_1).contains("\r\n\r\n")) {
                if (c.read(head) == IoChannel.EOF) {
                    return;
                }
            }
            boolean root =
                    new String(head.array(), 0, head.position(), StandardCharsets.ISO_8859_1).startsWith("GET / ");
            byte[] body = root ? html : new byte[0];
            String status = root ? "200 OK" : "404 Not Found";
            c.writeAll(ByteBuffer.wrap(
                    ("HTTP/1.1 " + status + "\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: "
                                    + body.length + "\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1)));
            c.writeAll(ByteBuffer.wrap(body));
        } catch (java.io.IOException e) {
            // the browser went away; the test notices the missing WebSocket
        }
    }

    @Test
    void chromiumExchangesBinaryBothWays() throws Exception {
        String chromium = Peers.chromium();
        Path profile = Files.createTempDirectory("qio-ws-chromium");
        Path log = profile.resolve("chromium.log");
        try (IoListener listener = IoChannels.listen("ws+tcp://127.0.0.1:0")) {
            CompletableFuture<IoChannel> accepted = new CompletableFuture<>();
            listener.onAccept(accepted::complete, EventLoop.shared()); // the upgrade runs off the accept path
            IoListener http = IoChannels.listen("tcp://127.0.0.1:0");
            byte[] html = page(listener.localUri().getPort()).getBytes(StandardCharsets.UTF_8);
            http.onAccept(c -> Thread.ofVirtual().start(() -> serve(c, html)), EventLoop.shared());
            String url = "http://127.0.0.1:" + http.localUri().getPort() + "/";
            Process browser = new ProcessBuilder(
                            chromium,
                            "--headless",
                            "--no-sandbox",
                            "--disable-gpu",
                            "--no-first-run",
                            "--user-data-dir=" + profile,
                            url)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            try (IoChannel page = accepted.get(90, TimeUnit.SECONDS)) {
                assertEquals("binary", ((WsChannel) page).subprotocol());
                byte[] expected = new byte[PATTERN];
                for (int i = 0; i < PATTERN; i++) {
                    expected[i] = (byte) (i * 7 + 3);
                }
                byte[] pattern = new byte[PATTERN];
                page.readAll(ByteBuffer.wrap(pattern));
                assertArrayEquals(expected, pattern, "the page's pattern");
                byte[] data = Peers.random(ECHO, 5);
                byte[] echo = new byte[ECHO];
                CompletableFuture<Void> writer = Peers.writeGrowing(page, data, 777);
                page.readAll(ByteBuffer.wrap(echo));
                writer.get(60, TimeUnit.SECONDS);
                assertArrayEquals(data, echo, "the page's echo");
            } catch (java.util.concurrent.TimeoutException e) {
                throw new AssertionError("Chromium never connected; its log: " + Files.readString(log), e);
            } finally {
                http.close();
                // Chromium's own children (zygote, renderer, network service) write to the profile too:
                // end the whole tree, found before the parent goes and they are reparented.
                List<ProcessHandle> tree = java.util.stream.Stream.concat(
                                browser.descendants(), java.util.stream.Stream.of(browser.toHandle()))
                        .toList();
                tree.forEach(ProcessHandle::destroy);
                for (ProcessHandle p : tree) {
                    try {
                        p.onExit().get(30, TimeUnit.SECONDS);
                    } catch (java.util.concurrent.TimeoutException e) {
                        p.destroyForcibly();
                    }
                }
                WsFixtures.deleteTree(profile);
            }
        }
    }
}

package dev.qio.provider.tls;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qio.channel.EventLoop;
import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.IoListener;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The README's TLS echo example, compiled and run; and a check that the README still shows it. */
@Timeout(60)
class TlsEchoExampleTest {
    @Test
    void theExampleRuns() throws Exception {
        Path dir = TlsFixtures.creds();
        String answer;
        // spotless:off (README.md shows this region as written)
        // README-BEGIN
        String creds = "creds-dir=" + dir; // ca-cert.pem, server-cert.pem, server-key.pem, client-cert.pem, client-key.pem
        try (IoListener server = IoChannels.listen("tls+tcp://127.0.0.1:0?" + creds)) {
            server.onAccept(peer -> Thread.ofVirtual().start(() -> { // handshake done, client certificate verified
                try (peer) {
                    ByteBuffer buf = ByteBuffer.allocate(8192);
                    while (peer.read(buf.clear()) != IoChannel.EOF) { // plaintext in, until the client's close_notify
                        peer.writeAll(buf.flip());                    // plaintext out, encrypted on the wire
                    }
                } catch (IOException e) {
                    System.err.println(e.getMessage());
                }
            }), EventLoop.shared());
            // tls+tcp://127.0.0.1:PORT: the client checks 127.0.0.1 against the server's certificate
            try (IoChannel client = IoChannels.open(server.localUri() + "?" + creds)) {
                client.writeAll(ByteBuffer.wrap("ping".getBytes(UTF_8)));
                ByteBuffer got = ByteBuffer.allocate(4);
                client.readAll(got);                                  // got now holds "ping"
        // README-END
        // spotless:on
                answer = UTF_8.decode(got.flip()).toString();
            }
        }
        assertEquals("ping", answer);
    }

    @Test
    void theReadmeShowsThisCode() throws Exception {
        String source = Files.readString(Path.of("src/test/java/dev/qio/provider/tls/TlsEchoExampleTest.java"));
        String region =
                source.substring(source.indexOf("// README-BEGIN\n") + 16, source.indexOf("        // README-END"));
        String snippet = region.lines()
                .map(l -> l.length() >= 8 ? l.substring(8) : l.strip())
                .collect(Collectors.joining("\n"));
        String readme = Files.readString(Path.of("../README.md"));
        assertTrue(
                readme.contains(snippet), "README.md must show the example exactly as this test runs it:\n" + snippet);
    }
}

package dev.qio.provider.socket;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qio.channel.EventLoop;
import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.IoListener;
import dev.qio.channel.Shutdown;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The README's tcp echo example, compiled and run; and a check that the README still shows it. */
@Timeout(30)
class EchoExampleTest {
    @Test
    void theExampleRuns() throws Exception {
        ByteBuffer result;
        boolean atEof;
        // spotless:off (README.md shows this region as written)
        // README-BEGIN
        try (IoListener server = IoChannels.listen("tcp://127.0.0.1:0")) {
            server.onAccept(peer -> Thread.ofVirtual().start(() -> {  // a virtual thread per client
                try (peer) {
                    ByteBuffer buf = ByteBuffer.allocate(8192);
                    while (peer.read(buf.clear()) != IoChannel.EOF) { // parks; holds no carrier
                        peer.writeAll(buf.flip());                    // echo until the client's EOF
                    }
                } catch (IOException e) {
                    System.err.println(e.getMessage());               // names the channel
                }
            }), EventLoop.shared());
            try (IoChannel client = IoChannels.open(server.localUri())) {
                client.writeAll(ByteBuffer.wrap("ping".getBytes(UTF_8)));
                client.shutdown(Shutdown.WRITE);                      // half-close: the server reads EOF
                ByteBuffer got = ByteBuffer.allocate(4);
                client.readAll(got);                                  // got now holds "ping"
                boolean eof = client.read(ByteBuffer.allocate(1)) == IoChannel.EOF; // true: the server closed
        // README-END
        // spotless:on
                result = got.flip();
                atEof = eof;
            }
        }
        assertEquals("ping", UTF_8.decode(result).toString());
        assertTrue(atEof, "after the echo the server closes, so the client reads EOF");
    }

    @Test
    void theReadmeShowsThisCode() throws Exception {
        String source = Files.readString(Path.of("src/test/java/dev/qio/provider/socket/EchoExampleTest.java"));
        String region =
                source.substring(source.indexOf("// README-BEGIN\n") + 16, source.indexOf("        // README-END"));
        // The region is indented by the test method's 8 spaces; the README shows it flush left.
        String snippet = region.lines()
                .map(l -> l.length() >= 8 ? l.substring(8) : l.strip())
                .collect(Collectors.joining("\n"));
        String readme = Files.readString(Path.of("../README.md"));
        assertTrue(
                readme.contains(snippet), "README.md must show the example exactly as this test runs it:\n" + snippet);
    }
}

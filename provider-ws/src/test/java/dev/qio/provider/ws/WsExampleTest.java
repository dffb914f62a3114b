package dev.qio.provider.ws;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qio.channel.EventLoop;
import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.IoListener;
import dev.qio.channel.Shutdown;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The README's WebSocket example, run; and a check that the README shows it line for line. */
@Timeout(60)
class WsExampleTest {
    @Test
    void theExampleRuns() throws Exception {
        String said;
        // spotless:off (README.md shows this region as written)
        // README-BEGIN
        try (IoListener server = IoChannels.listen("ws+tcp://127.0.0.1:0/vnc")) { // a browser: new WebSocket("ws://…/vnc", "binary")
            server.onAccept(peer -> Thread.ofVirtual().start(() -> {          // the HTTP upgrade ran off the accept loop
                try (peer) {
                    ByteBuffer in = ByteBuffer.allocate(64);
                    while (in.hasRemaining() && peer.read(in) != IoChannel.EOF) { // frames' payload, until the close frame
                    }
                    peer.writeAll(ByteBuffer.wrap(("hello " + UTF_8.decode(in.flip())).getBytes(UTF_8))); // one frame
                } catch (java.io.IOException e) {
                    System.err.println(e.getMessage());                      // names the channel, the close code or HTTP status
                }
            }), EventLoop.shared());
            try (IoChannel client = IoChannels.open(server.localUri() + "/vnc")) { // the client masks every frame
                client.writeAll(ByteBuffer.wrap("qemu".getBytes(UTF_8)));
                client.shutdown(Shutdown.WRITE);                             // a close frame: the server reads EOF
                ByteBuffer got = ByteBuffer.allocate(10);
                client.readAll(got);                                         // got now holds "hello qemu"
        // README-END
        // spotless:on
                said = UTF_8.decode(got.flip()).toString();
            }
        }
        assertEquals("hello qemu", said);
    }

    @Test
    void theReadmeShowsIt() throws Exception {
        List<String> lines = Files.readAllLines(Path.of("src/test/java/dev/qio/provider/ws/WsExampleTest.java"));
        List<String> example =
                lines.subList(lines.indexOf("        // README-BEGIN") + 1, lines.indexOf("        // README-END"));
        String readme = Files.readString(Path.of("../README.md"));
        StringBuilder shown = new StringBuilder();
        for (String line : example) {
            shown.append(line.substring(Math.min(8, line.length()))).append('\n');
        }
        assertTrue(readme.contains(shown), "README.md must show the ws+ example as this test runs it:\n" + shown);
    }
}

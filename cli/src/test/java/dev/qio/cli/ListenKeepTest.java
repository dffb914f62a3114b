package dev.qio.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.Shutdown;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code qio listen --keep}: one process serves client after client until it is terminated. */
@Timeout(120)
class ListenKeepTest {
    @TempDir
    Path dir;

    @Test
    void keepSavesEveryClientInTurnUntilTerminated() throws Exception {
        Path out = dir.resolve("out");
        Process qio = new ProcessBuilder(
                        Qio.command("listen", "tcp://127.0.0.1:0", "--cat", Qio.uri(out, "mode=w"), "--keep"))
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        try (BufferedReader err = new BufferedReader(new InputStreamReader(qio.getErrorStream(), UTF_8))) {
            String line = err.readLine();
            assertTrue(
                    line != null && line.startsWith("qio: listening on tcp://127.0.0.1:"),
                    "first stderr line: " + line);
            String uri = line.substring("qio: listening on ".length());
            for (String message : List.of("first;", "second;", "third;")) {
                try (IoChannel client = IoChannels.open(uri)) {
                    client.writeAll(ByteBuffer.wrap(message.getBytes(UTF_8)));
                    client.shutdown(Shutdown.WRITE);
                    // The server closes its end once this client's bytes are saved: EOF says so.
                    assertEquals(IoChannel.EOF, client.read(ByteBuffer.allocate(1)));
                }
            }
            assertEquals("first;second;third;", Files.readString(out), "every client, in turn, in one file");
            assertTrue(qio.isAlive(), "--keep keeps listening after its clients left");
        } finally {
            qio.destroy();
            qio.waitFor();
        }
    }
}

package dev.qio.provider.memory;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.IoListener;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's five-line example, compiled and run; and a check that the README still shows it. */
class ReadmeExampleTest {
    @Test
    void theExampleRuns() throws Exception {
        ByteBuffer result;
        // spotless:off (README.md shows this region as written)
        // README-BEGIN
        try (IoListener server = IoChannels.listen("mem://demo");
             IoChannel client = IoChannels.open("mem://demo");
             IoChannel peer = server.accept()) {
            client.writeAll(ByteBuffer.wrap("hello".getBytes(UTF_8)));
            ByteBuffer got = ByteBuffer.allocate(5);
            peer.readAll(got);                        // got now holds "hello"
        // README-END
        // spotless:on
            result = got.flip();
        }
        assertEquals("hello", UTF_8.decode(result).toString());
    }

    @Test
    void theReadmeShowsThisCode() throws Exception {
        String source = Files.readString(Path.of("src/test/java/dev/qio/provider/memory/ReadmeExampleTest.java"));
        String region =
                source.substring(source.indexOf("// README-BEGIN\n") + 16, source.indexOf("        // README-END"));
        // The region is indented by the test method's 8 spaces; the README shows it flush left.
        String snippet = region.lines()
                .map(l -> l.length() >= 8 ? l.substring(8) : l.strip())
                .collect(java.util.stream.Collectors.joining("\n"));
        String readme = Files.readString(Path.of("../README.md"));
        assertTrue(
                readme.contains(snippet), "README.md must show the example exactly as this test runs it:\n" + snippet);
    }
}

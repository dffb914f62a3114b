package dev.qio.provider.command;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * stderr=inherit|discard|merge. The child reports what its descriptor 2 is with
 * {@code readlink /proc/self/fd/2} (readlink is the child itself, so its fd 2 is the child's stderr).
 */
@Timeout(30)
class StderrTest {
    private static final String WHERE_IS_STDERR = "command:readlink?arg=/proc/self/fd/2&mode=r";

    @Test
    void inheritIsTheDefaultAndSharesTheJvmsStderr() throws IOException {
        String ours = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
        try (IoChannel ch = IoChannels.open(WHERE_IS_STDERR)) {
            assertEquals(ours + "\n", TestSupport.readString(ch));
        }
        try (IoChannel ch = IoChannels.open(WHERE_IS_STDERR + "&stderr=inherit")) {
            assertEquals(ours + "\n", TestSupport.readString(ch));
        }
    }

    @Test
    void discardSendsItToDevNull() throws IOException {
        try (IoChannel ch = IoChannels.open(WHERE_IS_STDERR + "&stderr=discard")) {
            assertEquals("/dev/null\n", TestSupport.readString(ch));
        }
        try (IoChannel ch =
                IoChannels.open("command:sh?arg=-c&arg=echo%20out;%20echo%20err%20%3E%262&mode=r&stderr=discard")) {
            assertEquals("out\n", TestSupport.readString(ch));
        }
    }

    @Test
    void mergeInterleavesItWithStdout() throws IOException {
        try (IoChannel ch = IoChannels.open(
                "command:sh?arg=-c&arg=echo%20out;%20echo%20err%20%3E%262;%20echo%20more" + "&mode=r&stderr=merge")) {
            assertEquals("out\nerr\nmore\n", TestSupport.readString(ch));
        }
    }
}

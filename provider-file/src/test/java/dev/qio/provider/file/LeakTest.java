package dev.qio.provider.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.Whence;
import dev.qio.testkit.TestIo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Closing releases the descriptor, and so does every failed open. */
class LeakTest {
    private static final int CHANNELS = 100;
    /** Descriptors other code in the JVM may open meanwhile (class loading, the test runner). */
    private static final int SLACK = 5;

    @TempDir
    Path dir;

    /** Opens one channel of each kind in turn, uses it, and closes it. */
    private void openUseClose(int i) throws IOException {
        Path f = dir.resolve("leak-" + (i % 7));
        IoChannel ch = switch (i % 5) {
            case 0 -> IoChannels.open(TestSupport.uri(f, "mode=w"));
            case 1 -> IoChannels.open(TestSupport.uri(f, "mode=rw&create=true"));
            case 2 -> IoChannels.open(TestSupport.uri(f, "mode=a"));
            case 3 ->
                FileChannels.open(f, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            default -> IoChannels.open("file:///dev/null?mode=rw");
        };
        try (ch) {
            ch.write(TestIo.ascii("x"));
            if (ch.isBlocking() && i % 5 == 1) {
                ch.seek(0, Whence.SET);
                ch.read(ByteBuffer.allocate(1));
            }
        }
        assertFalse(ch.isOpen());
    }

    @Test
    void hundredChannelsLeaveNoDescriptorBehind() throws IOException {
        openUseClose(0); // load every class first, so the count below sees only channels
        int before = TestIo.openDescriptors().size();
        List<IoChannel> open = new ArrayList<>();
        for (int i = 0; i < CHANNELS; i++) {
            open.add(IoChannels.open(TestSupport.uri(dir.resolve("held-" + i), "mode=w")));
        }
        assertTrue(TestSupport.descriptorsUnder(dir) >= CHANNELS, "open channels hold descriptors (the count works)");
        for (IoChannel ch : open) {
            ch.close();
        }
        for (int i = 0; i < CHANNELS; i++) {
            openUseClose(i);
        }
        assertEquals(0, TestSupport.descriptorsUnder(dir), "descriptors still refer to files in " + dir);
        int after = TestIo.openDescriptors().size();
        assertTrue(
                after <= before + SLACK,
                "descriptors before: " + before + ", after " + (2 * CHANNELS) + " channels opened and closed: "
                        + after);
    }

    @Test
    void failedOpensLeaveNoDescriptorBehind() throws IOException {
        Path file = dir.resolve("exists");
        Files.writeString(file, "x");
        for (int i = 0; i < CHANNELS; i++) {
            assertThrows(NoSuchFileException.class, () -> IoChannels.open(TestSupport.uri(dir.resolve("missing"), "")));
            assertThrows(FileSystemException.class, () -> IoChannels.open(TestSupport.uri(dir, "mode=r")));
            assertThrows(
                    IllegalArgumentException.class, () -> IoChannels.open(TestSupport.uri(file, "mode=r&bogus=1")));
            assertThrows(
                    IllegalArgumentException.class,
                    () -> FileChannels.open(file, StandardOpenOption.READ, StandardOpenOption.APPEND));
        }
        assertEquals(0, TestSupport.descriptorsUnder(dir));
    }
}

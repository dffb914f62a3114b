package dev.qio.provider.command;

import static dev.qio.provider.command.TestSupport.assertContains;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.IoCondition;
import dev.qio.channel.Shutdown;
import dev.qio.testkit.TestIo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.NonWritableChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** mode=r, w and rw, as QEMU's O_RDONLY, O_WRONLY and O_RDWR. */
@Timeout(30)
class ModeTest {

    @Test
    void readOnlyGivesTheChildAnEmptyStdinAndRefusesWrites() throws IOException {
        try (IoChannel ch = IoChannels.open("command:cat?mode=r")) {
            assertEquals(IoChannel.EOF, ch.read(ByteBuffer.allocate(16)), "cat's stdin is empty, so it prints nothing");
            ch.await(IoCondition.OUT); // a write would not block: it fails at once
            ByteBuffer data = TestIo.ascii("x");
            NonWritableChannelException e = assertThrows(NonWritableChannelException.class, () -> ch.write(data));
            assertContains(e.getMessage(), "command:cat?mode=r", "not open for writing", "mode r");
            assertThrows(NonWritableChannelException.class, () -> ch.writeAll(data));
            assertEquals(0, data.position(), "a refused write moves nothing");
            assertTrue(ch.isOpen());
            ch.shutdown(Shutdown.WRITE); // nothing to shut: harmless
        }
    }

    @Test
    void readOnlyReadsTheChildsStdout() throws IOException {
        try (IoChannel ch = IoChannels.open("command:printf?arg=one%5Cntwo&mode=r")) {
            assertEquals("one\ntwo", TestSupport.readString(ch));
            assertEquals(IoChannel.EOF, ch.read(ByteBuffer.allocate(1)));
        }
    }

    @Test
    void writeOnlyFeedsStdinAndDiscardsStdout(@TempDir Path dir) throws IOException {
        // tee copies stdin to the file and to its stdout; 1 MiB is far more than the pipes hold, so
        // this finishes only if stdout really goes nowhere.
        Path file = dir.resolve("copy");
        byte[] data = new byte[1 << 20];
        new SplittableRandom(7).nextBytes(data);
        try (IoChannel ch =
                IoChannels.open("command:tee?mode=w&arg=" + file.toUri().getPath())) {
            assertEquals(IoChannel.EOF, ch.read(ByteBuffer.allocate(16)), "mode w reads EOF at once");
            ch.setBlocking(false);
            assertEquals(IoChannel.EOF, ch.read(ByteBuffer.allocate(16)), "also when non-blocking");
            ch.await(IoCondition.IN);
            ch.writeAll(ByteBuffer.wrap(data));
        } // close lets the pump drain into tee's stdin, then waits for tee
        assertArrayEquals(data, Files.readAllBytes(file));
    }

    @Test
    void readWriteCarriesBothWays() throws IOException {
        try (CommandChannel ch = CommandChannels.spawn(List.of("tr", "a-z", "A-Z"), CommandOptions.defaults())) {
            ch.writeAll(TestIo.ascii("hello, world"));
            ch.shutdown(Shutdown.WRITE);
            assertEquals("HELLO, WORLD", TestSupport.readString(ch));
        }
    }

    @Test
    void theDefaultModeIsReadWrite() throws IOException {
        try (IoChannel ch = IoChannels.open("command:cat")) {
            ch.writeAll(TestIo.ascii("echo"));
            TestSupport.expect(ch, "echo");
        }
    }
}

package dev.qio.provider.command;

import static dev.qio.provider.command.TestSupport.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qio.channel.Feature;
import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.IoCondition;
import dev.qio.channel.Shutdown;
import dev.qio.testkit.TestIo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * shutdown(WRITE) closes the child's stdin, after what was written, while its output can still be
 * read (QEMU has no half-close here; qio does). shutdown(READ) stops delivering its output but
 * keeps draining it.
 */
@Timeout(30)
class HalfCloseTest {

    @Test
    void shutdownWriteLetsTheChildAnswerAfterEof() throws IOException {
        int size = 300_000; // more than the stdin ring and the pipe together
        try (IoChannel ch = IoChannels.open("command:wc?arg=-c")) {
            assertTrue(
                    ch.hasFeature(Feature.SHUTDOWN) && ch.hasFeature(Feature.CONCURRENT_IO),
                    ch.features().toString());
            ch.writeAll(ByteBuffer.allocate(size));
            ch.shutdown(Shutdown.WRITE);
            ch.shutdown(Shutdown.WRITE); // idempotent
            IOException e = assertThrows(IOException.class, () -> ch.write(TestIo.ascii("late")));
            assertContains(e.getMessage(), "command:wc?arg=-c", "shut down for writing");
            ch.await(IoCondition.OUT); // a write would fail at once: OUT (with ERR) holds
            assertEquals(size, Integer.parseInt(TestSupport.readString(ch).strip()));
            assertEquals(IoChannel.EOF, ch.read(ByteBuffer.allocate(1)));
        }
    }

    @Test
    void shutdownWriteWhileNonBlocking() throws IOException {
        try (IoChannel ch = IoChannels.open("command:sort")) {
            ch.setBlocking(false);
            ch.writeAll(TestIo.ascii("b\nc\na\n"));
            assertEquals(IoChannel.ERR_BLOCK, ch.read(ByteBuffer.allocate(8)), "sort answers only after EOF");
            ch.shutdown(Shutdown.WRITE);
            assertEquals("a\nb\nc\n", TestSupport.readString(ch));
        }
    }

    @Test
    void shutdownReadDropsOutputButNeverBlocksTheChild() throws Exception {
        // The child writes 4 MiB, far more than the ring and pipe hold, then exits 7 on its own:
        // it can only get there if the channel keeps reading after shutdown(READ).
        try (CommandChannel ch = (CommandChannel)
                IoChannels.open("command:sh?arg=-c&arg=head%20-c%204194304%20/dev/zero;%20exit%207&mode=r")) {
            ch.shutdown(Shutdown.READ);
            assertEquals(IoChannel.EOF, ch.read(ByteBuffer.allocate(16)));
            assertEquals(7, ch.onExit().get(20, TimeUnit.SECONDS));
            assertEquals(IoChannel.EOF, ch.read(ByteBuffer.allocate(16)));
            CommandExitException e = assertThrows(CommandExitException.class, ch::close);
            assertEquals(7, e.exitStatus());
        }
    }
}

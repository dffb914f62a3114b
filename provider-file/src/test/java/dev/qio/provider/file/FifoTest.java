package dev.qio.provider.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qio.channel.Feature;
import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.IoCondition;
import dev.qio.channel.UnsupportedFeatureException;
import dev.qio.channel.Whence;
import dev.qio.testkit.Background;
import dev.qio.testkit.TestIo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * FIFOs and character devices: streams without features, blocking only, woken by close. Covers
 * what the kit's STARVE properties would, with a wait that sees a thread blocked in native code.
 */
@Timeout(60)
class FifoTest {
    @TempDir
    Path dir;

    private TestSupport.FifoEnds fifo() throws IOException {
        return TestSupport.openFifo(TestIo.mkfifo(dir.resolve(TestSupport.unique("fifo"))));
    }

    @Test
    void fifoIsAStreamWithoutFeatures() throws IOException {
        try (TestSupport.FifoEnds ends = fifo()) {
            IoChannel w = ends.writer();
            IoChannel r = ends.reader();
            for (IoChannel ch : new IoChannel[] {w, r}) {
                assertEquals(Set.of(), ch.features(), ch.name());
                for (Executable op : List.<Executable>of(
                        () -> ch.seek(0, Whence.SET), () -> ch.seek(0, Whence.CUR),
                        () -> ch.preadv(new ByteBuffer[] {ByteBuffer.allocate(1)}, 0),
                        () -> ch.pwritev(new ByteBuffer[] {TestIo.ascii("x")}, 0))) {
                    UnsupportedFeatureException e = assertThrows(UnsupportedFeatureException.class, op);
                    assertEquals(Feature.SEEKABLE, e.feature());
                }
            }
            w.writeAll(TestIo.ascii("through"));
            ByteBuffer got = ByteBuffer.allocate(7);
            r.readAll(got);
            assertEquals("through", TestIo.written(got));
        }
    }

    @Test
    void nonBlockingModeIsRefused() throws IOException {
        try (TestSupport.FifoEnds ends = fifo()) {
            IoChannel w = ends.writer();
            IoChannel r = ends.reader();
            for (IoChannel ch : new IoChannel[] {w, r}) {
                UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> ch.setBlocking(false));
                assertTrue(e.getMessage().startsWith(ch.name()) && e.getMessage().contains("non-blocking"), e.getMessage());
                assertTrue(ch.isBlocking(), "the channel stays blocking");
                ch.setBlocking(true);
                ch.await(IoCondition.IN); // always ready: the blocking call that follows does the waiting
                ch.await(IoCondition.OUT);
            }
        }
    }

    @Test
    void blockingReadWaitsForData() throws Exception {
        try (TestSupport.FifoEnds ends = fifo()) {
            IoChannel w = ends.writer();
            IoChannel r = ends.reader();
            ByteBuffer dst = ByteBuffer.allocate(5);
            var read = Background.start("qio-fifo-reader", () -> r.readv(dst));
            read.awaitBlocked();
            w.writeAll(TestIo.ascii("wake!"));
            long n = read.result();
            assertTrue(n > 0, "a blocking read returned " + n);
            r.readAll(dst);
            assertEquals("wake!", TestIo.written(dst));
        }
    }

    @Test
    void readerSeesEofOnceTheWriterCloses() throws Exception {
        try (TestSupport.FifoEnds ends = fifo()) {
            IoChannel w = ends.writer();
            IoChannel r = ends.reader();
            var read = Background.start("qio-fifo-reader", () -> r.readv(ByteBuffer.allocate(8)));
            read.awaitBlocked();
            w.close();
            assertEquals(IoChannel.EOF, read.result());
            assertEquals(IoChannel.EOF, r.read(ByteBuffer.allocate(1)));
        }
    }

    @Test
    void closeWakesABlockedReader() throws Exception {
        try (TestSupport.FifoEnds ends = fifo()) {
            IoChannel w = ends.writer();
            IoChannel r = ends.reader();
            var read = Background.start("qio-fifo-reader", () -> r.readv(ByteBuffer.allocate(8)));
            read.awaitBlocked();
            r.close();
            assertInstanceOf(AsynchronousCloseException.class, read.failure());
            assertTrue(w.isOpen());
        }
    }

    @Test
    void closeWakesABlockedWriter() throws Exception {
        try (TestSupport.FifoEnds ends = fifo()) {
            IoChannel w = ends.writer();
            IoChannel r = ends.reader();
            var write = Background.start("qio-fifo-writer", () -> {
                w.writeAll(ByteBuffer.allocate(4 << 20)); // far more than a pipe holds: blocks
                return null;
            });
            write.awaitBlocked();
            w.close();
            // The interrupted write(2) may return what it moved; then the next chunk finds the channel closed.
            assertInstanceOf(ClosedChannelException.class, write.failure());
            assertTrue(r.isOpen());
        }
    }

    @Test
    void writeWithNoReaderLeftFails() throws IOException {
        try (TestSupport.FifoEnds ends = fifo()) {
            IoChannel w = ends.writer();
            ends.reader().close();
            IOException e = assertThrows(IOException.class, () -> w.writeAll(TestIo.ascii("nobody")));
            assertTrue(e.getMessage().startsWith(w.name() + ": Unable to write to file"), e.getMessage());
            assertTrue(w.isOpen(), "a failed write does not close the channel");
        }
    }

    @Test
    void characterDevicesAreStreams() throws IOException {
        try (IoChannel nul = IoChannels.open("file:///dev/null?mode=rw");
                IoChannel zero = IoChannels.open("file:///dev/zero")) {
            assertEquals(Set.of(), nul.features());
            assertThrows(UnsupportedFeatureException.class, () -> nul.seek(0, Whence.SET));
            assertEquals(IoChannel.EOF, nul.read(ByteBuffer.allocate(4)));
            assertEquals(5, nul.write(TestIo.ascii("gone!")));
            assertThrows(UnsupportedOperationException.class, () -> nul.setBlocking(false));
            assertEquals("file:///dev/null?mode=rw", nul.name());
            ByteBuffer zeros = ByteBuffer.allocate(4096);
            zero.readAll(zeros);
            assertEquals(ByteBuffer.allocate(4096), zeros.flip());
            assertThrows(UnsupportedFeatureException.class, () -> zero.preadv(new ByteBuffer[] {ByteBuffer.allocate(1)}, 0));
        }
    }
}

package dev.qio.provider.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.qio.channel.Feature;
import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.IoCondition;
import dev.qio.channel.UnsupportedFeatureException;
import dev.qio.channel.Whence;
import dev.qio.channel.spi.AbstractIoChannel;
import dev.qio.channel.spi.linux.Linux;
import dev.qio.testkit.Background;
import dev.qio.testkit.TestIo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
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
                        () -> ch.seek(0, Whence.SET),
                        () -> ch.seek(0, Whence.CUR),
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
    void nonBlockingModeIsRefusedOnTheFallback() throws IOException {
        assumeFalse(Linux.isAvailable(), "the native backend has non-blocking FIFOs");
        try (TestSupport.FifoEnds ends = fifo()) {
            IoChannel w = ends.writer();
            IoChannel r = ends.reader();
            for (IoChannel ch : new IoChannel[] {w, r}) {
                UnsupportedOperationException e =
                        assertThrows(UnsupportedOperationException.class, () -> ch.setBlocking(false));
                assertTrue(
                        e.getMessage().startsWith(ch.name()) && e.getMessage().contains("non-blocking"),
                        e.getMessage());
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
            if (!Linux.isAvailable()) {
                assertThrows(UnsupportedOperationException.class, () -> nul.setBlocking(false));
            }
            assertEquals("file:///dev/null?mode=rw", nul.name());
            ByteBuffer zeros = ByteBuffer.allocate(4096);
            zero.readAll(zeros);
            assertEquals(ByteBuffer.allocate(4096), zeros.flip());
            assertThrows(
                    UnsupportedFeatureException.class, () -> zero.preadv(new ByteBuffer[] {ByteBuffer.allocate(1)}, 0));
        }
    }

    @Test
    void nonBlockingModeOnTheNativeBackend() throws IOException {
        assumeTrue(Linux.isAvailable(), "the FileChannel fallback is blocking only");
        try (TestSupport.FifoEnds ends = fifo()) {
            IoChannel w = ends.writer();
            IoChannel r = ends.reader();
            r.setBlocking(false);
            w.setBlocking(false);
            assertEquals(IoChannel.ERR_BLOCK, r.read(ByteBuffer.allocate(8)), "an empty FIFO");
            long total = 0;
            ByteBuffer chunk = ByteBuffer.allocate(64 << 10);
            long n;
            while ((n = w.write(chunk.clear())) != IoChannel.ERR_BLOCK) {
                total += n;
            }
            assertTrue(total > 0, "the pipe took bytes before it was full");
            r.setBlocking(true);
            ByteBuffer all = ByteBuffer.allocate((int) total);
            r.readAll(all);
            assertEquals(total, all.position());
            r.setBlocking(false);
            assertEquals(IoChannel.ERR_BLOCK, r.read(ByteBuffer.allocate(8)), "drained");
            w.close();
            assertEquals(IoChannel.EOF, r.read(ByteBuffer.allocate(8)), "every writer closed");
        }
    }

    /**
     * A thread of each kind blocked reading an empty FIFO, and one of each kind blocked writing a
     * full one: closing the channel from another thread wakes each with an exception.
     */
    @Test
    void closeWakesBlockedReadersAndWritersOnPlatformAndVirtualThreads() throws Exception {
        assumeTrue(Linux.isAvailable(), "a virtual thread blocked on FileChannel's FIFO is not woken by close");
        for (boolean virtual : new boolean[] {false, true}) {
            try (TestSupport.FifoEnds ends = fifo()) {
                IoChannel r = ends.reader();
                Callable<Long> read = () -> r.readv(ByteBuffer.allocate(8));
                var reader =
                        virtual ? Background.startVirtual("fifo-reader", read) : Background.start("fifo-reader", read);
                reader.awaitBlockedIn(AbstractIoChannel.class);
                r.close();
                assertInstanceOf(AsynchronousCloseException.class, reader.failure(), "reader, virtual " + virtual);
            }
            try (TestSupport.FifoEnds ends = fifo()) {
                IoChannel w = ends.writer();
                Callable<Void> write = () -> {
                    w.writeAll(ByteBuffer.allocate(4 << 20)); // far more than a pipe holds
                    return null;
                };
                var writer = virtual
                        ? Background.startVirtual("fifo-writer", write)
                        : Background.start("fifo-writer", write);
                writer.awaitBlockedIn(AbstractIoChannel.class);
                w.close();
                assertInstanceOf(AsynchronousCloseException.class, writer.failure(), "writer, virtual " + virtual);
            }
        }
    }

    @Test
    void aVirtualThreadOpensAFifoWithoutHoldingItsCarrier() throws Exception {
        assumeTrue(Linux.isAvailable(), "FileChannel opens on the calling thread");
        Path path = TestIo.mkfifo(dir.resolve(TestSupport.unique("open")));
        var open = Background.startVirtual("fifo-open", () -> IoChannels.open(TestSupport.uri(path, "mode=r")));
        open.awaitBlocked(); // parked while the open(2) waits for a writer on a thread of its own
        try (IoChannel w = IoChannels.open(TestSupport.uri(path, "mode=w"));
                IoChannel r = open.result()) {
            w.writeAll(TestIo.ascii("hello"));
            ByteBuffer got = ByteBuffer.allocate(5);
            r.readAll(got);
            assertEquals("hello", TestIo.written(got));
        }
    }
}

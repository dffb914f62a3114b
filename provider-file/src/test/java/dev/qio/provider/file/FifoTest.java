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
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
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
        return TestSupport.openFifo(TestSupport.mkfifo(dir.resolve(TestSupport.unique("fifo"))));
    }

    /** Runs {@code body} on its own platform thread. */
    private static <T> FutureTask<T> background(String name, Callable<T> body) {
        FutureTask<T> task = new FutureTask<>(body);
        Thread.ofPlatform().name(name).daemon(true).start(task);
        return task;
    }

    private static Throwable failure(FutureTask<?> task) throws Exception {
        ExecutionException e = assertThrows(ExecutionException.class, () -> task.get(30, TimeUnit.SECONDS));
        return e.getCause();
    }

    /** The thread a background task stored in {@code holder} once it started. */
    private static Thread threadOf(Thread[] holder) {
        while (holder[0] == null) {
            Thread.onSpinWait();
        }
        return holder[0];
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
                        () -> ch.pwritev(new ByteBuffer[] {TestSupport.ascii("x")}, 0))) {
                    UnsupportedFeatureException e = assertThrows(UnsupportedFeatureException.class, op);
                    assertEquals(Feature.SEEKABLE, e.feature());
                }
            }
            w.writeAll(TestSupport.ascii("through"));
            ByteBuffer got = ByteBuffer.allocate(7);
            r.readAll(got);
            assertEquals("through", TestSupport.written(got));
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
            Thread[] reader = new Thread[1];
            ByteBuffer dst = ByteBuffer.allocate(5);
            FutureTask<Long> read = background("qio-fifo-reader", () -> {
                reader[0] = Thread.currentThread();
                return r.readv(dst);
            });
            TestSupport.awaitBlocked(threadOf(reader));
            w.writeAll(TestSupport.ascii("wake!"));
            long n = read.get(30, TimeUnit.SECONDS);
            assertTrue(n > 0, "a blocking read returned " + n);
            r.readAll(dst);
            assertEquals("wake!", TestSupport.written(dst));
        }
    }

    @Test
    void readerSeesEofOnceTheWriterCloses() throws Exception {
        try (TestSupport.FifoEnds ends = fifo()) {
            IoChannel w = ends.writer();
            IoChannel r = ends.reader();
            Thread[] reader = new Thread[1];
            FutureTask<Long> read = background("qio-fifo-reader", () -> {
                reader[0] = Thread.currentThread();
                return r.readv(ByteBuffer.allocate(8));
            });
            TestSupport.awaitBlocked(threadOf(reader));
            w.close();
            assertEquals(IoChannel.EOF, read.get(30, TimeUnit.SECONDS));
            assertEquals(IoChannel.EOF, r.read(ByteBuffer.allocate(1)));
        }
    }

    @Test
    void closeWakesABlockedReader() throws Exception {
        try (TestSupport.FifoEnds ends = fifo()) {
            IoChannel w = ends.writer();
            IoChannel r = ends.reader();
            Thread[] reader = new Thread[1];
            FutureTask<Long> read = background("qio-fifo-reader", () -> {
                reader[0] = Thread.currentThread();
                return r.readv(ByteBuffer.allocate(8));
            });
            TestSupport.awaitBlocked(threadOf(reader));
            r.close();
            assertInstanceOf(AsynchronousCloseException.class, failure(read));
            assertTrue(w.isOpen());
        }
    }

    @Test
    void closeWakesABlockedWriter() throws Exception {
        try (TestSupport.FifoEnds ends = fifo()) {
            IoChannel w = ends.writer();
            IoChannel r = ends.reader();
            Thread[] writer = new Thread[1];
            FutureTask<Void> write = background("qio-fifo-writer", () -> {
                writer[0] = Thread.currentThread();
                w.writeAll(ByteBuffer.allocate(4 << 20)); // far more than a pipe holds: blocks
                return null;
            });
            TestSupport.awaitBlocked(threadOf(writer));
            w.close();
            // The interrupted write(2) may return what it moved; then the next chunk finds the channel closed.
            assertInstanceOf(ClosedChannelException.class, failure(write));
            assertTrue(r.isOpen());
        }
    }

    @Test
    void writeWithNoReaderLeftFails() throws IOException {
        try (TestSupport.FifoEnds ends = fifo()) {
            IoChannel w = ends.writer();
            ends.reader().close();
            IOException e = assertThrows(IOException.class, () -> w.writeAll(TestSupport.ascii("nobody")));
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
            assertEquals(5, nul.write(TestSupport.ascii("gone!")));
            assertThrows(UnsupportedOperationException.class, () -> nul.setBlocking(false));
            assertEquals("file:///dev/null?mode=rw", nul.name());
            ByteBuffer zeros = ByteBuffer.allocate(4096);
            zero.readAll(zeros);
            assertEquals(ByteBuffer.allocate(4096), zeros.flip());
            assertThrows(UnsupportedFeatureException.class, () -> zero.preadv(new ByteBuffer[] {ByteBuffer.allocate(1)}, 0));
        }
    }
}

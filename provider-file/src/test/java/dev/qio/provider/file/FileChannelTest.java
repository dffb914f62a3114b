package dev.qio.provider.file;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qio.channel.EventLoop;
import dev.qio.channel.Feature;
import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.IoCondition;
import dev.qio.channel.Watch;
import dev.qio.channel.Whence;
import dev.qio.testkit.TestIo;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Regular files: QEMU's file test, seek, positional I/O, append, readiness and the programmatic open. */
@Timeout(60)
class FileChannelTest {
    private static final long GIB = 1L << 30;

    @TempDir
    Path dir;

    /** QEMU's 250 buffers of 4194 bytes, buffer i filled with byte i. */
    private static ByteBuffer[] qemuIov(boolean filled) {
        ByteBuffer[] iov = new ByteBuffer[250];
        for (int i = 0; i < iov.length; i++) {
            byte[] chunk = new byte[4194];
            if (filled) {
                Arrays.fill(chunk, (byte) i);
            }
            iov[i] = ByteBuffer.wrap(chunk);
        }
        return iov;
    }

    /**
     * QEMU's {@code /io/channel/file} and {@code /file/rdwr}: a writer opened O_WRONLY (or O_RDWR)
     * with O_CREAT|O_TRUNC and mode 0600, then a reader on a second channel; the bytes match and
     * the file's mode is {@code 0600 & ~umask}.
     */
    @Test
    void qemuWriteThenRead() throws IOException {
        for (String mode : new String[] {"w", "rw"}) {
            Path f = dir.resolve("qemu-" + mode);
            ByteBuffer[] out = qemuIov(true);
            try (IoChannel w =
                    IoChannels.open(TestSupport.uri(f, "mode=" + mode + "&create=true&truncate=true&perm=0600"))) {
                w.writevAll(out);
            }
            assertEquals(0600 & ~TestSupport.umask(), TestSupport.mode(f));
            ByteBuffer[] in = qemuIov(false);
            try (IoChannel r = IoChannels.open(TestSupport.uri(f, "mode=r"))) {
                r.readvAll(in);
                assertEquals(IoChannel.EOF, r.read(ByteBuffer.allocate(1)));
            }
            for (int i = 0; i < in.length; i++) {
                assertArrayEquals(out[i].array(), in[i].array(), "buffer " + i);
            }
        }
    }

    @Test
    void seekSetCurEnd() throws IOException {
        Path f = dir.resolve("seek");
        try (IoChannel ch = IoChannels.open(TestSupport.uri(f, "mode=rw&create=true"))) {
            assertTrue(ch.hasFeature(Feature.SEEKABLE));
            ch.writeAll(TestIo.ascii("0123456789"));
            assertEquals(10, ch.seek(0, Whence.CUR));
            assertEquals(3, ch.seek(3, Whence.SET));
            assertEquals(5, ch.seek(2, Whence.CUR));
            assertEquals(4, ch.seek(-1, Whence.CUR));
            assertEquals(7, ch.seek(-3, Whence.END));
            ByteBuffer b = ByteBuffer.allocate(3);
            ch.readAll(b);
            assertEquals("789", TestIo.written(b));
            assertEquals(10, ch.seek(0, Whence.END));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ch.seek(-11, Whence.END));
            assertTrue(
                    e.getMessage().contains(ch.name())
                            && e.getMessage().contains("-11")
                            && e.getMessage().contains("-1"),
                    e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> ch.seek(-1, Whence.SET));
            assertThrows(IllegalArgumentException.class, () -> ch.seek(Long.MAX_VALUE, Whence.END));
            assertEquals(10, ch.seek(0, Whence.CUR), "a refused seek leaves the position");
        }
    }

    @Test
    void seekPastTheEndThenWriteLeavesAHoleOfZeros() throws IOException {
        Path f = dir.resolve("hole");
        try (IoChannel ch = IoChannels.open(TestSupport.uri(f, "mode=rw&create=true"))) {
            ch.writeAll(TestIo.ascii("ab"));
            assertEquals(1000, ch.seek(1000, Whence.SET));
            ByteBuffer past = ByteBuffer.allocate(4);
            assertEquals(IoChannel.EOF, ch.read(past), "a read past the end is EOF");
            assertEquals(2, Files.size(f), "a seek alone does not grow the file");
            ch.writeAll(TestIo.ascii("yz"));
            assertEquals(1002, Files.size(f));
            ch.seek(0, Whence.SET);
            ByteBuffer all = ByteBuffer.allocate(1002);
            ch.readAll(all);
            byte[] expected = new byte[1002];
            expected[0] = 'a';
            expected[1] = 'b';
            expected[1000] = 'y';
            expected[1001] = 'z';
            assertArrayEquals(expected, all.array());
        }
    }

    @Test
    void preadvAndPwritevLeaveThePosition() throws IOException {
        Path f = dir.resolve("positional");
        try (IoChannel ch = IoChannels.open(TestSupport.uri(f, "mode=rw&create=true"))) {
            ch.writeAll(TestIo.ascii("hello world"));
            ch.seek(4, Whence.SET);
            ByteBuffer a = ByteBuffer.allocate(3);
            ByteBuffer b = ByteBuffer.allocate(0);
            ByteBuffer c = ByteBuffer.allocate(4);
            assertEquals(7, ch.preadv(new ByteBuffer[] {a, b, c}, 2));
            assertEquals("llo", TestIo.written(a));
            assertEquals(" wor", TestIo.written(c));
            assertEquals(4, ch.seek(0, Whence.CUR));
            assertEquals(5, ch.pwritev(new ByteBuffer[] {TestIo.ascii("HE"), TestIo.ascii("LLO")}, 0));
            assertEquals(4, ch.seek(0, Whence.CUR));
            assertEquals("HELLO world", Files.readString(f));
            // A short read stops the preadv: 2 bytes are left at offset 9.
            ByteBuffer x = ByteBuffer.allocate(5);
            ByteBuffer y = ByteBuffer.allocate(5);
            assertEquals(2, ch.preadv(new ByteBuffer[] {x, y}, 9));
            assertEquals("ld", TestIo.written(x));
            assertEquals(0, y.position());
            assertEquals(IoChannel.EOF, ch.preadv(new ByteBuffer[] {ByteBuffer.allocate(1)}, 11), "at the end");
            assertEquals(IoChannel.EOF, ch.preadv(new ByteBuffer[] {ByteBuffer.allocate(1)}, 500), "past the end");
            assertEquals(0, ch.preadv(new ByteBuffer[] {ByteBuffer.allocate(0)}, 500), "an empty iov");
            assertEquals(2, ch.pwritev(new ByteBuffer[] {TestIo.ascii("!!")}, 20), "past the end");
            assertEquals(22, Files.size(f));
            assertEquals(4, ch.seek(0, Whence.CUR));
            assertThrows(
                    IllegalArgumentException.class, () -> ch.preadv(new ByteBuffer[] {ByteBuffer.allocate(1)}, -1));
        }
    }

    /** Offsets past 4 GiB on a sparse file: cheap, and proves nothing is cut to 32 bits. */
    @Test
    void offsetsPastFourGiB() throws IOException {
        Path f = dir.resolve("sparse");
        long far = 5 * GIB + 3;
        try (IoChannel ch = IoChannels.open(TestSupport.uri(f, "mode=rw&create=true"))) {
            assertEquals(5, ch.pwritev(new ByteBuffer[] {TestIo.ascii("far..")}, far));
            assertEquals(far + 5, Files.size(f));
            assertEquals(0, ch.seek(0, Whence.CUR));
            ByteBuffer back = ByteBuffer.allocate(5);
            assertEquals(5, ch.preadv(new ByteBuffer[] {back}, far));
            assertEquals("far..", TestIo.written(back));
            ByteBuffer zeros = ByteBuffer.allocate(16);
            assertEquals(16, ch.preadv(new ByteBuffer[] {zeros}, 4 * GIB + 1));
            assertArrayEquals(new byte[16], zeros.array());
            assertEquals(far + 5, ch.seek(0, Whence.END));
            assertEquals(far, ch.seek(far, Whence.SET));
            ByteBuffer again = ByteBuffer.allocate(5);
            ch.readAll(again);
            assertEquals("far..", TestIo.written(again));
            assertEquals(far + 5, ch.seek(0, Whence.CUR));
            ch.seek(6 * GIB, Whence.SET);
            ch.writeAll(TestIo.ascii("end"));
            assertEquals(6 * GIB + 3, Files.size(f));
        }
    }

    /**
     * A hundred thousand one-byte {@code MemorySegment} buffers through the {@code *All} loops,
     * whose consumed prefix stays in the array: java.nio overflowed its stack releasing them when
     * handed the whole array (IOUtil$LinkedRunnable), so the channel hands it a bounded slice.
     */
    @Test
    void longIovsOfSegmentBuffers() throws IOException {
        int n = 100_000;
        Path f = dir.resolve("long-iov");
        ByteBuffer[] out = new ByteBuffer[n];
        ByteBuffer[] in = new ByteBuffer[n];
        try (Arena arena = Arena.ofConfined()) {
            for (int i = 0; i < n; i++) {
                out[i] = arena.allocate(1).asByteBuffer().put(0, (byte) i);
                in[i] = arena.allocate(1).asByteBuffer();
            }
            try (IoChannel ch = IoChannels.open(TestSupport.uri(f, "mode=rw&create=true"))) {
                ch.writevAll(out);
                assertEquals(n, Files.size(f));
                ch.seek(0, Whence.SET);
                ch.readvAll(in);
                for (int i = 0; i < n; i++) {
                    assertEquals((byte) i, in[i].get(0), "byte " + i);
                }
            }
        }
    }

    @Test
    void appendModeWritesAtTheEndWhateverThePosition() throws IOException {
        Path f = dir.resolve("append");
        Files.writeString(f, "start;");
        try (IoChannel a = IoChannels.open(TestSupport.uri(f, "mode=a"))) {
            assertTrue(a.hasFeature(Feature.SEEKABLE));
            assertEquals(0, a.seek(0, Whence.SET));
            a.writeAll(TestIo.ascii("one;"));
            assertEquals(10, a.seek(0, Whence.CUR), "after a write the position is the end");
            a.seek(2, Whence.SET);
            a.writevAll(TestIo.ascii("two"), TestIo.ascii(";"));
            IOException e = assertThrows(IOException.class, () -> a.pwritev(new ByteBuffer[] {TestIo.ascii("X")}, 0));
            assertTrue(e.getMessage().contains(a.name()) && e.getMessage().contains("append"), e.getMessage());
            IOException r = assertThrows(IOException.class, () -> a.read(ByteBuffer.allocate(1)));
            assertTrue(r.getMessage().contains(a.name()), r.getMessage());
        }
        assertEquals("start;one;two;", Files.readString(f));
    }

    @Test
    void wrongDirectionIsAnIoExceptionNamingTheChannel() throws IOException {
        Path f = dir.resolve("direction");
        Files.writeString(f, "data");
        try (IoChannel r = IoChannels.open(TestSupport.uri(f, "mode=r"))) {
            IOException e = assertThrows(IOException.class, () -> r.write(TestIo.ascii("x")));
            assertTrue(e.getMessage().startsWith(r.name() + ": Unable to write to file"), e.getMessage());
            assertThrows(IOException.class, () -> r.pwritev(new ByteBuffer[] {TestIo.ascii("x")}, 0));
            assertTrue(r.isOpen());
        }
        try (IoChannel w = IoChannels.open(TestSupport.uri(f, "mode=w&truncate=false"))) {
            IOException e = assertThrows(IOException.class, () -> w.read(ByteBuffer.allocate(1)));
            assertTrue(e.getMessage().startsWith(w.name() + ": Unable to read from file"), e.getMessage());
            assertThrows(IOException.class, () -> w.preadv(new ByteBuffer[] {ByteBuffer.allocate(1)}, 0));
            assertTrue(w.isOpen());
        }
        assertEquals("data", Files.readString(f));
    }

    @Test
    void nonBlockingModeOnARegularFileNeverGivesErrBlock() throws IOException {
        Path f = dir.resolve("nonblocking");
        try (IoChannel ch = IoChannels.open(TestSupport.uri(f, "mode=rw&create=true"))) {
            ch.setBlocking(false);
            assertFalse(ch.isBlocking());
            assertEquals(3, ch.write(TestIo.ascii("abc")));
            assertEquals(IoChannel.EOF, ch.read(ByteBuffer.allocate(4)), "at the end: EOF, not ERR_BLOCK");
            ch.seek(0, Whence.SET);
            assertEquals(3, ch.read(ByteBuffer.allocate(4)));
            ch.await(IoCondition.IN);
            ch.await(IoCondition.OUT);
        }
    }

    @Test
    void watchesOnARegularFileAreAlwaysReady() throws Exception {
        Path f = dir.resolve("watch");
        try (IoChannel ch = IoChannels.open(TestSupport.uri(f, "mode=rw&create=true"));
                EventLoop loop = EventLoop.create("qio-file-test-loop")) {
            AtomicReference<Set<IoCondition>> seen = new AtomicReference<>();
            CountDownLatch fired = new CountDownLatch(1);
            Watch watch = ch.addWatch(
                    EnumSet.of(IoCondition.IN, IoCondition.OUT),
                    (c, ready) -> {
                        seen.set(Set.copyOf(ready));
                        fired.countDown();
                        return false;
                    },
                    loop);
            assertTrue(fired.await(30, TimeUnit.SECONDS), "the watch never fired");
            assertEquals(
                    Set.of(IoCondition.IN, IoCondition.OUT),
                    seen.get(),
                    "an empty file is readable (EOF) and writable");
            CompletableFuture<Void> drained = new CompletableFuture<>();
            loop.execute(() -> drained.complete(null));
            drained.get(30, TimeUnit.SECONDS);
            assertFalse(watch.isActive(), "the callback returned false");
        }
    }

    @Test
    void programmaticOpenWithOpenOptions() throws IOException {
        Path f = dir.resolve("programmatic");
        try (IoChannel w = FileChannels.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            assertEquals("file://" + f.toAbsolutePath(), w.name());
            assertEquals(Set.of(Feature.SEEKABLE), w.features());
            w.writeAll(TestIo.ascii("via path"));
        }
        try (IoChannel r = FileChannels.open(f)) {
            ByteBuffer b = ByteBuffer.allocate(8);
            r.readAll(b);
            assertEquals("via path", TestIo.written(b));
            assertThrows(IOException.class, () -> r.write(TestIo.ascii("x")), "no options: read only");
        }
        try (IoChannel a = FileChannels.open(f, StandardOpenOption.APPEND, StandardOpenOption.APPEND)) {
            a.seek(0, Whence.SET);
            a.writeAll(TestIo.ascii("!"));
        }
        assertEquals("via path!", Files.readString(f));
        Path withPerm = dir.resolve("programmatic-perm");
        try (IoChannel _ = FileChannels.open(
                withPerm,
                Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")))) {
            assertEquals(0700 & ~TestSupport.umask(), TestSupport.mode(withPerm));
        }
        IllegalArgumentException bad = assertThrows(
                IllegalArgumentException.class,
                () -> FileChannels.open(f, StandardOpenOption.READ, StandardOpenOption.APPEND));
        assertTrue(bad.getMessage().startsWith("file://" + f.toAbsolutePath()), bad.getMessage());
        java.nio.file.FileAlreadyExistsException exists = assertThrows(
                java.nio.file.FileAlreadyExistsException.class,
                () -> FileChannels.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
        assertTrue(
                exists.getMessage().contains(f.toString())
                        && exists.getMessage().contains("already exists"),
                exists.getMessage());
        java.nio.file.NoSuchFileException missing = assertThrows(
                java.nio.file.NoSuchFileException.class,
                () -> FileChannels.open(dir.resolve("absent"), StandardOpenOption.READ, StandardOpenOption.CREATE));
        assertTrue(
                missing.getMessage().contains("no such file"),
                "java.nio ignores CREATE for reading: " + missing.getMessage());
        assertThrows(java.nio.file.FileSystemException.class, () -> FileChannels.open(dir));
    }

    @Test
    void programmaticOpenResolvesARelativePath() throws IOException {
        Path relative = Path.of("target", TestSupport.unique("relative-open") + ".tmp");
        try (IoChannel w = FileChannels.open(
                relative,
                StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE,
                StandardOpenOption.DELETE_ON_CLOSE)) {
            assertEquals("file://" + relative.toAbsolutePath(), w.name());
            w.writeAll(TestIo.ascii("scratch"));
            assertEquals(7, w.seek(0, Whence.END));
        }
        assertFalse(Files.exists(relative), "DELETE_ON_CLOSE is honoured");
    }

    @Test
    void closeIsIdempotentAndLaterIoIsRefused() throws IOException {
        Path f = dir.resolve("close");
        IoChannel ch = IoChannels.open(TestSupport.uri(f, "mode=rw&create=true"));
        ch.close();
        ch.close();
        assertFalse(ch.isOpen());
        ClosedChannelException e = assertThrows(ClosedChannelException.class, () -> ch.read(ByteBuffer.allocate(1)));
        assertTrue(e.getMessage().contains(ch.name()), e.getMessage());
        assertThrows(ClosedChannelException.class, () -> ch.seek(0, Whence.SET));
    }

    /** As with any java.nio FileChannel, an interrupted I/O call closes the channel; the channel says so. */
    @Test
    void interruptClosesTheChannel() throws Exception {
        Path f = dir.resolve("interrupt");
        Files.writeString(f, "abc");
        IoChannel ch = IoChannels.open(TestSupport.uri(f, "mode=r"));
        CompletableFuture<Throwable> thrown = new CompletableFuture<>();
        Thread.ofPlatform().start(() -> {
            Thread.currentThread().interrupt();
            try {
                ch.read(ByteBuffer.allocate(1));
                thrown.complete(null);
            } catch (Throwable t) {
                thrown.complete(t);
            }
        });
        Throwable t = thrown.get(30, TimeUnit.SECONDS);
        assertTrue(t instanceof ClosedByInterruptException, "expected ClosedByInterruptException, got " + t);
        assertFalse(ch.isOpen(), "the channel reports the close java.nio made");
        assertThrows(ClosedChannelException.class, () -> ch.read(ByteBuffer.allocate(1)));
        ch.close();
    }
}

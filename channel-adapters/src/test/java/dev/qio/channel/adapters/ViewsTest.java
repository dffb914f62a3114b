package dev.qio.channel.adapters;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qio.channel.IoByteChannel;
import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.Shutdown;
import dev.qio.testkit.ChannelPair;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code IoChannels.newInputStream}, {@code newOutputStream} and {@code newByteChannel} over
 * several providers: a pipe (mem), a socket (tcp), a file written then read, and one buffer.
 */
class ViewsTest {
    @TempDir
    static Path dir;

    /** 1 MiB and a bit, in odd chunks, so that no chunk boundary lines up with a buffer. */
    private static final byte[] DATA = new SplittableRandom(17)
            .ints(1 << 20 | 4194, 0, 256)
            .collect(ByteArrayOutputStream::new, ByteArrayOutputStream::write, (a, b) -> {})
            .toByteArray();

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"mem", "tcp", "file", "buffer"})
    void streams_roundTripThenEof(String provider) throws Exception {
        try (ChannelPair pair = Pairs.open(provider, dir)) {
            CompletableFuture<Void> written = CompletableFuture.runAsync(() -> {
                try {
                    OutputStream out = IoChannels.newOutputStream(pair.writer());
                    for (int off = 0, chunk = 1; off < DATA.length; off += chunk, chunk = chunk * 3 % 65_537 + 1) {
                        out.write(DATA, off, Math.min(chunk, DATA.length - off));
                    }
                    out.flush();
                    pair.finishWriting(); // EOF for the reader (shutdown, close or rewind)
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            boolean concurrent = !pair.isLoopback() && !provider.equals("file");
            if (!concurrent) {
                written.join(); // files and buffers are read after writing
            }
            assertArrayEquals(DATA, IoChannels.newInputStream(pair.reader()).readAllBytes());
            written.join();
            InputStream in = IoChannels.newInputStream(pair.reader());
            assertEquals(-1, in.read(), "EOF stays EOF");
            assertEquals(0, in.read(new byte[4], 1, 0), "an empty read reads nothing");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"mem", "tcp", "file", "buffer"})
    void byteChannel_scattersAndGathers(String provider) throws Exception {
        try (ChannelPair pair = Pairs.open(provider, dir)) {
            IoByteChannel out = IoChannels.newByteChannel(pair.writer());
            ByteBuffer[] srcs = {
                ByteBuffer.allocate(3), ByteBuffer.wrap("hello".getBytes()), ByteBuffer.wrap(" world".getBytes())
            };
            long n = 0;
            while (srcs[1].hasRemaining() || srcs[2].hasRemaining()) {
                n += out.write(srcs, 1, 2); // the offset form: the first buffer is not part of it
            }
            assertEquals(11, n);
            assertEquals(3, srcs[0].remaining(), "a buffer outside the slice is untouched");
            pair.finishWriting();
            IoByteChannel in = IoChannels.newByteChannel(pair.reader());
            ByteBuffer a = ByteBuffer.allocate(4);
            ByteBuffer b = ByteBuffer.allocateDirect(16);
            long got = 0;
            long r;
            while ((r = in.read(new ByteBuffer[] {a, b})) > 0) {
                got += r;
            }
            assertEquals(-1, r);
            assertEquals(11, got);
            byte[] tail = new byte[b.flip().remaining()];
            b.get(tail);
            assertEquals("hello world", new String(a.array()) + new String(tail));
            assertTrue(in.isOpen());
            in.close();
            assertFalse(pair.reader().isOpen(), "closing the view closes the channel");
            assertThrows(ClosedChannelException.class, () -> in.read(ByteBuffer.allocate(1)));
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"mem", "tcp"})
    void byteChannel_nonBlockingReadsZeroWhereQioSaysErrBlock(String provider) throws Exception {
        try (ChannelPair pair = Pairs.open(provider, dir)) {
            IoChannel reader = pair.reader();
            reader.setBlocking(false);
            IoByteChannel view = IoChannels.newByteChannel(reader);
            assertEquals(IoChannel.ERR_BLOCK, reader.read(ByteBuffer.allocate(8)));
            assertEquals(0, view.read(ByteBuffer.allocate(8)), "java.nio's 'nothing now'");
            assertEquals(0, view.read(new ByteBuffer[] {ByteBuffer.allocate(8)}));
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"mem", "tcp"})
    void inputStream_blocksOnNonBlockingChannelUntilBytesCome(String provider) throws Exception {
        try (ChannelPair pair = Pairs.open(provider, dir)) {
            IoChannel reader = pair.reader();
            reader.setBlocking(false);
            InputStream in = IoChannels.newInputStream(reader);
            CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> {
                try {
                    return in.read();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            pair.writer().writeAll(ByteBuffer.wrap(new byte[] {(byte) 0xfe}));
            assertEquals(0xfe, read.join(), "a stream never says 'nothing now': it waited");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"mem", "tcp"})
    void inputStream_closeWakesBlockedReader(String provider) throws Exception {
        try (ChannelPair pair = Pairs.open(provider, dir)) {
            InputStream in = IoChannels.newInputStream(pair.reader());
            CountDownLatch started = new CountDownLatch(1);
            CompletableFuture<Throwable> read = CompletableFuture.supplyAsync(() -> {
                started.countDown();
                try {
                    in.read(new byte[8]);
                    return null;
                } catch (IOException e) {
                    return e;
                }
            });
            started.await();
            in.close(); // before or during the read: either way the read must end with a closed-channel error
            Throwable t = read.join();
            assertTrue(t instanceof ClosedChannelException, "got " + t); // AsynchronousCloseException if it was blocked
            assertFalse(pair.reader().isOpen());
        }
    }

    @Test
    void outputStream_closeClosesChannel_laterWritesFail() throws Exception {
        try (ChannelPair pair = Pairs.open("mem", dir)) {
            OutputStream out = IoChannels.newOutputStream(pair.writer());
            out.write('x');
            out.close();
            assertFalse(pair.writer().isOpen());
            assertThrows(ClosedChannelException.class, () -> out.write('y'));
            assertEquals('x', IoChannels.newInputStream(pair.reader()).read());
        }
    }

    @Test
    void inputStream_halfCloseIsEofAfterTheData() throws Exception {
        try (ChannelPair pair = Pairs.open("tcp", dir)) {
            pair.writer().writeAll(ByteBuffer.wrap("abc".getBytes()));
            pair.writer().shutdown(Shutdown.WRITE);
            InputStream in = IoChannels.newInputStream(pair.reader());
            assertArrayEquals("abc".getBytes(), in.readAllBytes());
            assertEquals(-1, in.read());
        }
    }

    @Test
    void argumentsAreChecked() throws Exception {
        try (IoChannel ch = IoChannels.open("null:")) {
            assertThrows(
                    IndexOutOfBoundsException.class,
                    () -> IoChannels.newInputStream(ch).read(new byte[2], 1, 2));
            assertThrows(
                    IndexOutOfBoundsException.class,
                    () -> IoChannels.newOutputStream(ch).write(new byte[2], -1, 1));
            assertThrows(
                    IndexOutOfBoundsException.class,
                    () -> IoChannels.newByteChannel(ch).read(new ByteBuffer[1], 1, 1));
            assertThrows(NullPointerException.class, () -> IoChannels.newInputStream(null));
            assertEquals(
                    Arrays.asList(-1),
                    Arrays.asList(IoChannels.newInputStream(ch).read()));
        }
    }
}

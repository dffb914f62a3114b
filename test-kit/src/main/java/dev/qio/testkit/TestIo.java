package dev.qio.testkit;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoCondition;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;

/**
 * Small I/O steps of a provider's own tests: ASCII text into and out of buffers and channels,
 * reads up to a newline or to end of stream, and two Linux facilities, FIFOs and the process's open
 * descriptors. The reads wait for {@link IoCondition#IN} when a non-blocking channel has nothing,
 * so they suit both modes; none of them checks the partial-I/O contract, which is the
 * {@link ChannelContract}'s job.
 */
public final class TestIo {
    private TestIo() {}

    /** {@code s} as US-ASCII bytes, in a heap buffer positioned at 0. */
    public static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    /** The bytes between 0 and the position of {@code b}, as US-ASCII; {@code b} is left as it is. */
    public static String written(ByteBuffer b) {
        ByteBuffer d = b.duplicate().flip();
        byte[] bytes = new byte[d.remaining()];
        d.get(bytes);
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    /**
     * Reads exactly {@code n} bytes with {@link IoChannel#readAll} and returns them as US-ASCII.
     *
     * @throws EOFException if the stream ends first
     */
    public static String readAscii(IoChannel ch, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        ch.readAll(b);
        return written(b);
    }

    /**
     * Reads one byte at a time up to and including the first {@code '\n'} and returns the line,
     * newline included, as US-ASCII; reads nothing past it.
     *
     * @throws EOFException if the stream ends before a newline
     */
    public static String readLine(IoChannel ch) throws IOException {
        StringBuilder line = new StringBuilder();
        ByteBuffer one = ByteBuffer.allocate(1);
        while (true) {
            long n = ch.read(one.clear());
            if (n == IoChannel.EOF) {
                throw new EOFException(ch.name() + ": EOF after '" + line + "' without a newline");
            }
            if (n == IoChannel.ERR_BLOCK) {
                ch.await(IoCondition.IN);
                continue;
            }
            char c = (char) one.get(0);
            line.append(c);
            if (c == '\n') {
                return line.toString();
            }
        }
    }

    /** Reads until end of stream and returns every byte. */
    public static byte[] readToEof(IoChannel ch) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer buf = ByteBuffer.allocate(8192);
        while (true) {
            long n = ch.read(buf.clear());
            if (n == IoChannel.EOF) {
                return out.toByteArray();
            }
            if (n == IoChannel.ERR_BLOCK) {
                ch.await(IoCondition.IN);
                continue;
            }
            out.write(buf.array(), 0, (int) n);
        }
    }

    /** What reads the other end in {@link #writeThenFinish}: returns how many bytes it read. */
    @FunctionalInterface
    public interface EndReader {
        long read(IoChannel reader) throws IOException;
    }

    /**
     * The shape of a close-time test: the pair's writer sends {@code size} zero bytes in
     * non-blocking mode (waiting for OUT whenever it is full, so its last bytes are often still
     * on their way) and then finishes writing, while {@code reader} reads the other end on a
     * thread of its own. Whatever that reader meets at the end (end of stream, a reset, a
     * truncation) is what the writer's close sent.
     *
     * @return what {@code reader} returned
     * @throws IOException what {@code reader} or the writer threw
     */
    public static long writeThenFinish(ChannelPair pair, int size, EndReader reader) throws Exception {
        IoChannel r = pair.reader();
        CompletableFuture<Long> read = new CompletableFuture<>();
        Thread.ofPlatform().name("qio-test-reader").start(() -> {
            try {
                read.complete(reader.read(r));
            } catch (Throwable t) {
                read.completeExceptionally(t);
            }
        });
        IoChannel w = pair.writer();
        w.setBlocking(false);
        ByteBuffer[] data = {ByteBuffer.allocate(size)};
        while (data[0].hasRemaining()) {
            if (w.writev(data) == IoChannel.ERR_BLOCK) {
                w.await(IoCondition.OUT);
            }
        }
        pair.finishWriting();
        try {
            return read.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    /**
     * Makes a FIFO at {@code path}, mode 0600, with the {@code mkfifo} program (the JDK cannot).
     *
     * @return {@code path}
     * @throws IOException if {@code mkfifo} cannot run or fails; the message holds what it printed
     */
    public static Path mkfifo(Path path) throws IOException {
        Process p = new ProcessBuilder("mkfifo", "-m", "600", path.toString())
                .redirectErrorStream(true)
                .start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int rc = p.waitFor();
            if (rc != 0) {
                throw new IOException("mkfifo " + path + " exited with " + rc + ": " + out.strip());
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running mkfifo " + path, e);
        }
        return path;
    }

    /**
     * This process's open descriptors, the entries of {@code /proc/self/fd} (one of them is the
     * listing's own, closed again on return). Leak tests compare counts before and after.
     */
    public static List<Path> openDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.toList();
        }
    }
}

package dev.qio.benchmarks;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.Whence;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channel;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Sequential file throughput: a {@code file:} channel against a raw {@link FileChannel} on the
 * same kind of file. One operation reads (one {@code read} call, which a regular file fills) or
 * writes ({@code writeAll}) {@code size} bytes through a direct buffer; at the end of a
 * {@value #FILE_BYTES}-byte file both seek back to the start, so the file stays in the page cache
 * and the rows measure the software path, not the disk.
 *
 * <p>The files live in {@code -Dqio.bench.dir} (benchmarks/run passes {@code /dev/shm} when it
 * exists), else in {@code java.io.tmpdir}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g", "--enable-native-access=ALL-UNNAMED"})
public class FileStream {
    /** The size of the file every operation cycles through. */
    static final long FILE_BYTES = 64L << 20;

    /** A file of {@link #FILE_BYTES} bytes for reading, or a fresh one for writing, in the bench directory. */
    static Path file(String op) throws IOException {
        Path dir = Path.of(System.getProperty("qio.bench.dir", System.getProperty("java.io.tmpdir")));
        Path f = Files.createTempFile(dir, "qio-bench-", ".dat");
        if (op.equals("read")) {
            try (FileChannel fc = FileChannel.open(f, StandardOpenOption.WRITE)) {
                ByteBuffer chunk = ByteBuffer.allocateDirect(1 << 20);
                for (long at = 0; at < FILE_BYTES; at += chunk.capacity()) {
                    while (chunk.hasRemaining()) {
                        fc.write(chunk);
                    }
                    chunk.clear();
                }
            }
        }
        return f;
    }

    /**
     * What {@link Qio} and {@link Raw} share: the parameters, a file of their own in the bench
     * directory, the buffer, where the next write goes, and the teardown.
     *
     * @param <C> the channel on the file
     */
    @State(Scope.Benchmark)
    public abstract static class OnFile<C extends Channel> {
        @Param({"read", "write"})
        public String op;

        @Param({"65536", "1048576"})
        public int size;

        Path path;
        C ch;
        ByteBuffer buf;
        long at;

        /** Makes the file (filled when reading) and the buffer; the subclass opens {@link #ch} on it. */
        void prepare() throws IOException {
            path = file(op);
            buf = Buffers.direct(size);
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            ch.close();
            Files.deleteIfExists(path);
        }
    }

    /** A {@code file:} channel on a file of its own. */
    @State(Scope.Benchmark)
    public static class Qio extends OnFile<IoChannel> {
        @Setup(Level.Trial)
        public void open() throws IOException {
            prepare();
            ch = IoChannels.open(path.toUri() + (op.equals("read") ? "" : "?mode=w"));
        }
    }

    /** A raw {@link FileChannel}, the same shape as {@link Qio}. */
    @State(Scope.Benchmark)
    public static class Raw extends OnFile<FileChannel> {
        @Setup(Level.Trial)
        public void open() throws IOException {
            prepare();
            ch = op.equals("read")
                    ? FileChannel.open(path, StandardOpenOption.READ)
                    : FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        }
    }

    @Benchmark
    @Compare(
            order = 40,
            path = "file: sequential {op}, {size}",
            baseline = "raw",
            baselineLabel = "raw FileChannel",
            target = 0.95,
            bytesPerOp = "size")
    public long qio(Qio s) throws IOException {
        if (s.op.equals("read")) {
            long n = s.ch.read(s.buf.clear());
            if (n == IoChannel.EOF) {
                s.ch.seek(0, Whence.SET);
                n = s.ch.read(s.buf.clear());
            }
            return n;
        }
        s.ch.writeAll(s.buf.clear());
        if ((s.at += s.size) >= FILE_BYTES) {
            s.ch.seek(0, Whence.SET);
            s.at = 0;
        }
        return s.at;
    }

    @Benchmark
    public long raw(Raw s) throws IOException {
        if (s.op.equals("read")) {
            long n = s.ch.read(s.buf.clear());
            if (n < 0) {
                s.ch.position(0);
                n = s.ch.read(s.buf.clear());
            }
            return n;
        }
        ByteBuffer b = s.buf.clear();
        while (b.hasRemaining()) {
            s.ch.write(b);
        }
        if ((s.at += s.size) >= FILE_BYTES) {
            s.ch.position(0);
            s.at = 0;
        }
        return s.at;
    }
}

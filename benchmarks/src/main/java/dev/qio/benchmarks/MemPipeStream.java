package dev.qio.benchmarks;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.IoListener;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
 * Throughput of an in-process pipe across two threads: a {@code mem://} connection against
 * {@link PipedInputStream}/{@link PipedOutputStream}, and against two ceilings.
 *
 * <p>One operation writes {@code size} bytes from a heap buffer (all of them); a reader thread
 * drains the other end into a heap buffer of the same size. Both pipes hold 64 KiB, the
 * {@code mem://} default (the {@code PipedInputStream} is built with that size); a second,
 * informational baseline uses {@code PipedInputStream}'s own default of 1 KiB. The ceilings: a
 * lock-free ring that two spinning threads share ({@link Ring}: what moving bytes between two
 * threads costs at the least on this machine), and one {@link ByteBuffer} copy on one thread,
 * which moves the bytes once with no second thread, where {@code mem://} copies twice (into its
 * ring, then out) and hands the ring between threads.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g", "--enable-native-access=ALL-UNNAMED"})
public class MemPipeStream {
    /** The pipe size of both pipes, {@code mem://}'s default capacity. */
    static final int PIPE = 64 * 1024;

    private static final AtomicInteger NAMES = new AtomicInteger();

    /** A {@code mem://} connection: the benchmark writes to {@code writer}, a thread drains {@code reader}. */
    @State(Scope.Benchmark)
    public static class Qio {
        @Param({"65536"})
        public int size;

        IoListener listener;
        IoChannel writer;
        IoChannel reader;
        ByteBuffer buf;
        Background drain;

        @Setup(Level.Trial)
        public void open() throws IOException {
            listener =
                    IoChannels.listen("mem://bench-" + ProcessHandle.current().pid() + "-" + NAMES.incrementAndGet());
            writer = IoChannels.open(listener.localUri());
            reader = listener.accept();
            buf = ByteBuffer.allocate(size);
            drain = Background.start(
                    "mem-drain",
                    () -> {
                        ByteBuffer b = ByteBuffer.allocate(size);
                        while (reader.read(b.clear()) != IoChannel.EOF) {
                            // discard
                        }
                    },
                    () -> Background.quietly(writer::close));
        }

        @TearDown(Level.Trial)
        public void close() throws Exception {
            drain.stop(writer::close, reader::close, listener::close); // the reader drains, reads EOF and ends
        }
    }

    /** A piped stream pair of {@link #PIPE} bytes, the same shape as {@link Qio}. */
    @State(Scope.Benchmark)
    public static class Piped {
        /** The pipe's size in bytes. */
        int pipeSize() {
            return PIPE;
        }

        @Param({"65536"})
        public int size;

        PipedOutputStream writer;
        PipedInputStream reader;
        byte[] buf;
        Background drain;

        @Setup(Level.Trial)
        public void open() throws IOException {
            reader = new PipedInputStream(pipeSize());
            writer = new PipedOutputStream(reader);
            buf = new byte[size];
            drain = Background.start(
                    "piped-drain",
                    () -> {
                        byte[] b = new byte[size];
                        while (reader.read(b, 0, b.length) >= 0) {
                            // discard
                        }
                    },
                    () -> Background.quietly(writer::close));
        }

        @TearDown(Level.Trial)
        public void close() throws Exception {
            drain.stop(writer::close, reader::close);
        }
    }

    /** As {@link Piped}, with the pipe {@code new PipedInputStream()} makes: 1 KiB. */
    @State(Scope.Benchmark)
    public static class PipedDefault extends Piped {
        @Override
        int pipeSize() {
            return 1024;
        }
    }

    /**
     * The two-thread ceiling: a lock-free ring of {@link #PIPE} bytes between one writer and one
     * reader that spin instead of ever blocking, the least any pipe between two threads has to do
     * (copy in, copy out, publish a position). A pipe that can block and wake its peer does more.
     */
    @State(Scope.Benchmark)
    public static class Ring {
        @Param({"65536"})
        public int size;

        final byte[] ring = new byte[PIPE];
        /** Bytes ever written; only the writer (the benchmark thread) moves it. */
        volatile long written;
        /** Bytes ever taken; only the reader moves it. */
        volatile long taken;

        volatile boolean stop;
        byte[] buf;
        Background drain;

        @Setup(Level.Trial)
        public void open() {
            buf = new byte[size];
            drain = Background.start(
                    "ring-drain",
                    () -> {
                        byte[] b = new byte[size];
                        long at = taken;
                        while (!stop) {
                            long ready = written - at;
                            if (ready == 0) {
                                Thread.onSpinWait();
                                continue;
                            }
                            int from = (int) (at % PIPE);
                            int n = (int) Math.min(Math.min(ready, b.length), PIPE - from);
                            System.arraycopy(ring, from, b, 0, n);
                            at += n;
                            taken = at;
                        }
                    },
                    () -> {});
        }

        void write() {
            long at = written;
            int off = 0;
            while (off < buf.length) {
                long room = PIPE - (at - taken);
                if (room == 0) {
                    Thread.onSpinWait();
                    continue;
                }
                int to = (int) (at % PIPE);
                int n = (int) Math.min(Math.min(room, buf.length - off), PIPE - to);
                System.arraycopy(buf, off, ring, to, n);
                off += n;
                at += n;
                written = at;
            }
        }

        @TearDown(Level.Trial)
        public void close() throws InterruptedException {
            stop = true;
            drain.join();
        }
    }

    /** Two heap buffers: the ceiling copies one into the other. */
    @State(Scope.Benchmark)
    public static class Copy {
        @Param({"65536"})
        public int size;

        ByteBuffer src;
        ByteBuffer dst;

        @Setup(Level.Trial)
        public void open() {
            src = ByteBuffer.allocate(size);
            dst = ByteBuffer.allocate(size);
        }
    }

    @Benchmark
    @Compare(
            order = 50,
            path = "mem:// pipe, {size} writes, two threads",
            baseline = "piped",
            baselineLabel = "PipedInput/OutputStream (64 KiB pipe)",
            target = 3.0,
            bytesPerOp = "size")
    @Compare(
            order = 51,
            path = "mem:// pipe, {size} writes, two threads",
            baseline = "pipedDefault",
            baselineLabel = "PipedInput/OutputStream (default 1 KiB pipe)",
            bytesPerOp = "size")
    @Compare(
            order = 52,
            path = "mem:// pipe, {size} writes: share of the two-thread ceiling",
            baseline = "ring",
            baselineLabel = "lock-free spinning ring, two threads",
            bytesPerOp = "size")
    @Compare(
            order = 53,
            path = "mem:// pipe, {size} writes: share of the copy ceiling",
            baseline = "copy",
            baselineLabel = "one ByteBuffer copy, one thread",
            bytesPerOp = "size")
    public void qio(Qio s) throws IOException {
        s.writer.writeAll(s.buf.clear());
    }

    @Benchmark
    public void piped(Piped s) throws IOException {
        s.writer.write(s.buf, 0, s.buf.length);
    }

    @Benchmark
    public void pipedDefault(PipedDefault s) throws IOException {
        s.writer.write(s.buf, 0, s.buf.length);
    }

    @Benchmark
    public void ring(Ring s) {
        s.write();
    }

    @Benchmark
    public ByteBuffer copy(Copy s) {
        return s.dst.put(0, s.src, 0, s.size);
    }
}

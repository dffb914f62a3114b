package dev.qio.benchmarks;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.Shutdown;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
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
 * Throughput through a child process: a {@code command:cat} channel against {@link Process}
 * streams of the same {@code cat}. One operation writes {@code size} bytes from a heap buffer
 * (all of them, then a flush on the raw side, as the channel sends every write on at once); a
 * reader thread reads the child's output back into a heap buffer of the same size until end of
 * stream. So every byte crosses two pipes and the child. The channel must be the native one
 * ({@code posix_spawn}, non-blocking pipes): the trial fails otherwise, rather than measure the
 * {@code ProcessBuilder} fallback under the native row's name.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g", "--enable-native-access=ALL-UNNAMED"})
public class CommandCat {

    /** {@code command:cat}: the benchmark writes to it, a thread reads it. */
    @State(Scope.Benchmark)
    public static class Qio {
        @Param({"65536"})
        public int size;

        IoChannel cat;
        ByteBuffer buf;
        Background drain;

        @Setup(Level.Trial)
        public void open() throws IOException {
            cat = IoChannels.open("command:cat");
            if (!cat.toString().startsWith("NativeCommandChannel")) { // the row measures the native backend
                cat.close();
                throw new IllegalStateException("command:cat is not on the native backend (" + cat
                        + "): run with --enable-native-access and without -Dqio.native=false");
            }
            buf = ByteBuffer.allocate(size);
            drain = Background.start(
                    "cat-drain",
                    () -> {
                        ByteBuffer b = ByteBuffer.allocate(size);
                        while (cat.read(b.clear()) != IoChannel.EOF) {
                            // discard
                        }
                    },
                    () -> Background.quietly(cat::close));
        }

        @TearDown(Level.Trial)
        public void close() throws Exception {
            Background.quietly(() -> cat.shutdown(Shutdown.WRITE)); // cat reads EOF, ends, and so does its output
            try {
                drain.join();
            } finally {
                cat.close();
            }
        }
    }

    /** {@code cat} through {@link ProcessBuilder}, the same shape as {@link Qio}. */
    @State(Scope.Benchmark)
    public static class Proc {
        @Param({"65536"})
        public int size;

        Process cat;
        OutputStream stdin;
        byte[] buf;
        Background drain;

        @Setup(Level.Trial)
        public void open() throws IOException {
            cat = new ProcessBuilder("cat")
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            stdin = cat.getOutputStream();
            buf = new byte[size];
            InputStream stdout = cat.getInputStream();
            drain = Background.start(
                    "proc-drain",
                    () -> {
                        byte[] b = new byte[size];
                        while (stdout.read(b, 0, b.length) >= 0) {
                            // discard
                        }
                    },
                    () -> cat.destroyForcibly());
        }

        @TearDown(Level.Trial)
        public void close() throws Exception {
            Background.quietly(stdin::close);
            try {
                drain.join();
            } finally {
                cat.waitFor();
            }
        }
    }

    @Benchmark
    @Compare(
            order = 60,
            path = "command:cat, {size} writes",
            baseline = "process",
            baselineLabel = "Process streams, same cat",
            target = 1.0,
            bytesPerOp = "size")
    public void qio(Qio s) throws IOException {
        s.cat.writeAll(s.buf.clear());
    }

    @Benchmark
    public void process(Proc s) throws IOException {
        s.stdin.write(s.buf, 0, s.buf.length);
        s.stdin.flush();
    }
}

package dev.qio.benchmarks;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.IoListener;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The cost of the channel layer itself on its smallest transfer: one thread writes one byte into
 * a {@code mem://} connection with {@code writev} and reads it back on the other end with
 * {@code readv}, so no operation waits. benchmarks/run runs this class with {@code -prof gc}: the
 * hot path (gating, locks, the pipe's copy in and out, readiness signals) must allocate nothing.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "--enable-native-access=ALL-UNNAMED"})
public class HotPathAllocation {
    private static final AtomicInteger NAMES = new AtomicInteger();

    /** A {@code mem://} connection and two one-byte iovs, built once. */
    @State(Scope.Benchmark)
    public static class Mem {
        IoListener listener;
        IoChannel a;
        IoChannel b;
        final ByteBuffer[] out = {ByteBuffer.allocate(1)};
        final ByteBuffer[] in = {ByteBuffer.allocate(1)};

        @Setup(Level.Trial)
        public void open() throws IOException {
            listener = IoChannels.listen("mem://alloc-" + ProcessHandle.current().pid() + "-" + NAMES.incrementAndGet());
            a = IoChannels.open(listener.localUri());
            b = listener.accept();
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            a.close();
            b.close();
            listener.close();
        }
    }

    @Benchmark
    @AllocationFree(order = 90, path = "mem:// writev + readv of 1 byte, one thread")
    public byte memWritevReadv1Byte(Mem s) throws IOException {
        s.out[0].clear();
        s.a.writev(s.out);
        s.in[0].clear();
        s.b.readv(s.in);
        return s.in[0].get(0);
    }
}

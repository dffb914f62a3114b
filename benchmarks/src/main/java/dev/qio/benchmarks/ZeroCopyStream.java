package dev.qio.benchmarks;

import dev.qio.channel.Feature;
import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.IoListener;
import dev.qio.channel.WriteFlag;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
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
 * {@code WriteFlag.ZERO_COPY} writes against copying writes on one native {@code tcp://} loopback
 * pair, in the same run: one operation writes {@code size} bytes from a direct buffer; the
 * zero-copy one then calls {@code flush()}, which waits for the kernel's completion, as a caller
 * reusing its buffer must. A thread drains the accepted end.
 *
 * <p>Over loopback the kernel copies every zero-copy send anyway ({@code flush()} returns 1), so
 * this row measures what zero-copy costs on top of a copy (pinning, the completion, the flush),
 * not what it saves: the saving needs a real network device.
 *
 * <p>The CPU time per GB of the same two ways is in the peer rows {@code ZeroCopyStream-64k-cpu}
 * and {@code ZeroCopyStream-256k-cpu} ({@link PeerZeroCopy}), which {@code benchmarks/run
 * ZeroCopyStream} runs too, beside their throughput in alternating rounds.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g", "--enable-native-access=ALL-UNNAMED"})
public class ZeroCopyStream {

    /** A connected native tcp pair with WRITE_ZERO_COPY and a drain thread on the accepted end. */
    @State(Scope.Benchmark)
    public static class Pair {
        @Param({"65536", "262144"})
        public int size;

        IoListener listener;
        IoChannel writer;
        IoChannel reader;
        ByteBuffer buf;
        ByteBuffer[] iov;
        Background drain;

        @Setup(Level.Trial)
        public void open() throws IOException {
            listener = IoChannels.listen("tcp://127.0.0.1:0");
            writer = IoChannels.open(listener.localUri());
            reader = listener.accept();
            if (!writer.hasFeature(Feature.WRITE_ZERO_COPY)) {
                throw new IllegalStateException(
                        "no WRITE_ZERO_COPY here (the native backend is off, or the kernel refuses SO_ZEROCOPY)");
            }
            buf = Buffers.direct(size);
            iov = new ByteBuffer[] {buf};
            drain = Background.start("zc-drain", () -> drain(reader), () -> Background.quietly(writer::close));
        }

        private static void drain(IoChannel in) throws IOException {
            ByteBuffer b = Buffers.direct(SocketStream.READ_BUFFER);
            while (in.read(b.clear()) != IoChannel.EOF) {
                // drain until the writer closes
            }
        }

        @TearDown(Level.Trial)
        public void close() throws Exception {
            drain.stop(writer::close, reader::close, listener::close);
        }
    }

    private static final Set<WriteFlag> ZERO_COPY = Set.of(WriteFlag.ZERO_COPY);

    @Benchmark
    @Compare(
            order = 15,
            path = "tcp:// {size} writes, WriteFlag.ZERO_COPY + flush()",
            baseline = "copying",
            baselineLabel = "the same channel, copying writes",
            bytesPerOp = "size")
    public int zeroCopy(Pair s) throws IOException {
        s.buf.clear();
        s.writer.writevAll(s.iov, List.of(), ZERO_COPY);
        return s.writer.flush();
    }

    @Benchmark
    public void copying(Pair s) throws IOException {
        s.writer.writeAll(s.buf.clear());
    }
}

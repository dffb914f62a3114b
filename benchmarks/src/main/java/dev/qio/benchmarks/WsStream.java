package dev.qio.benchmarks;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.IoListener;
import java.io.IOException;
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
 * What WebSocket framing costs: a {@code ws+tcp://} pair against a raw qio {@code tcp://} pair
 * doing the same, in the same run.
 *
 * <p>One operation writes {@code size} bytes from a direct buffer ({@code writeAll}: one frame per
 * write, as {@code write-frame} is 64 KiB); a reader thread on the other end drains into a 64 KiB
 * direct buffer until end of stream. With {@code writer=client} the writing end is the WebSocket
 * client, which must mask: one copy of the payload and an XOR. With {@code writer=server} it is
 * the accepted end, which sends the header and the caller's buffer in one gathering write, no
 * copy. Both ends block; socket options are the kernel's defaults.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g", "--enable-native-access=ALL-UNNAMED"})
public class WsStream {
    /** Bytes the reader asks for per read. */
    static final int READ_BUFFER = 64 * 1024;

    /** A connected pair over {@link #scheme()}: the benchmark writes to {@code writer}, a thread drains {@code reader}. */
    @State(Scope.Benchmark)
    public abstract static class Pair {
        @Param({"65536"})
        public int size;

        @Param({"client", "server"})
        public String writer;

        IoListener listener;
        IoChannel out;
        IoChannel in;
        ByteBuffer buf;
        Background drain;

        abstract String scheme();

        @Setup(Level.Trial)
        public void open() throws Exception {
            listener = IoChannels.listen(scheme() + "://127.0.0.1:0");
            TlsStream.Connected<IoChannel, IoChannel> c =
                    TlsStream.connect(() -> IoChannels.open(listener.localUri()), listener::accept);
            boolean client = writer.equals("client");
            out = client ? c.client() : c.server();
            in = client ? c.server() : c.client();
            buf = Buffers.direct(size);
            drain = Background.start("ws-drain", () -> drain(in), () -> Background.quietly(out::close));
        }

        private static void drain(IoChannel from) throws IOException {
            ByteBuffer b = Buffers.direct(READ_BUFFER);
            while (from.read(b.clear()) != IoChannel.EOF) {
                // the bytes are not looked at
            }
        }

        @TearDown(Level.Trial)
        public void close() throws Exception {
            drain.stop(out::close, in::close, listener::close); // a close frame, or a FIN: the reader sees EOF and ends
        }
    }

    /** The {@code ws+tcp://} pair. */
    public static class Ws extends Pair {
        @Override
        String scheme() {
            return "ws+tcp";
        }
    }

    /** The raw {@code tcp://} pair, the same shape. */
    public static class Tcp extends Pair {
        @Override
        String scheme() {
            return "tcp";
        }
    }

    @Benchmark
    @Compare(
            order = 75,
            path = "ws+tcp:// {size} writes by the {writer}, blocking",
            baseline = "tcp",
            baselineLabel = "qio tcp://, same writes",
            target = 0.8,
            bytesPerOp = "size")
    public void ws(Ws s) throws IOException {
        s.out.writeAll(s.buf.clear());
    }

    @Benchmark
    public void tcp(Tcp s) throws IOException {
        s.out.writeAll(s.buf.clear());
    }
}

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
 * The same over {@code ws+mem://}: framing, masking and taking frames apart must not either; and
 * over {@code tcp://}, where the native backend's system calls (errno capture, buffer addresses)
 * must not either.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g", "--enable-native-access=ALL-UNNAMED"})
public class HotPathAllocation {
    private static final AtomicInteger NAMES = new AtomicInteger();

    /**
     * One connection opened by URI, as an application opens it: its listener and both ends, the
     * client {@code a} and the accepted {@code b}. The client opens while the listener accepts, as
     * a layer with a handshake ({@code ws+}) needs both ends at once.
     */
    public abstract static class Connection {
        IoListener listener;
        IoChannel a;
        IoChannel b;

        void connect(String uri) throws Exception {
            listener = IoChannels.listen(uri);
            TlsStream.Connected<IoChannel, IoChannel> c =
                    TlsStream.connect(() -> IoChannels.open(listener.localUri()), listener::accept);
            a = c.client();
            b = c.server();
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            a.close();
            b.close();
            listener.close();
        }
    }

    /** A {@code mem://} connection and two one-byte iovs, built once. */
    @State(Scope.Benchmark)
    public static class Mem extends Connection {
        final ByteBuffer[] out = {ByteBuffer.allocate(1)};
        final ByteBuffer[] in = {ByteBuffer.allocate(1)};

        @Setup(Level.Trial)
        public void open() throws Exception {
            connect("mem://alloc-" + ProcessHandle.current().pid() + "-" + NAMES.incrementAndGet());
        }
    }

    /**
     * A {@code tcp://} loopback connection (the native backend where it runs) and one-byte iovs of
     * each kind: a heap buffer goes to the kernel through a critical downcall, a direct one by
     * address. Loopback delivers a byte within its {@code send}, so the read finds it.
     */
    @State(Scope.Benchmark)
    public static class Tcp extends Connection {
        final ByteBuffer[] heapOut = {ByteBuffer.allocate(1)};
        final ByteBuffer[] heapIn = {ByteBuffer.allocate(1)};
        final ByteBuffer[] directOut = {ByteBuffer.allocateDirect(1)};
        final ByteBuffer[] directIn = {ByteBuffer.allocateDirect(1)};

        @Setup(Level.Trial)
        public void open() throws Exception {
            connect("tcp://127.0.0.1:0");
        }
    }

    @Benchmark
    @AllocationFree(order = 93, path = "tcp:// writev + readv of 1 byte, heap buffers, one thread")
    public byte tcpHeap1Byte(Tcp s) throws IOException {
        return oneByte(s.a, s.heapOut, s.b, s.heapIn);
    }

    @Benchmark
    @AllocationFree(order = 94, path = "tcp:// writev + readv of 1 byte, direct buffers, one thread")
    public byte tcpDirect1Byte(Tcp s) throws IOException {
        return oneByte(s.a, s.directOut, s.b, s.directIn);
    }

    /**
     * A {@code ws+mem://} connection: the client {@code a} masks what it writes, the server {@code b} frames
     * unmasked; both take frames apart when they read.
     */
    @State(Scope.Benchmark)
    public static class Ws extends Connection {
        final ByteBuffer[] out = {ByteBuffer.allocate(1)};
        final ByteBuffer[] in = {ByteBuffer.allocate(1)};

        @Setup(Level.Trial)
        public void open() throws Exception {
            connect("ws+mem://alloc-" + ProcessHandle.current().pid() + "-" + NAMES.incrementAndGet());
        }
    }

    @Benchmark
    @AllocationFree(order = 91, path = "ws+mem:// client writev (masked) + server readv of 1 byte, one thread")
    public byte wsClientToServer1Byte(Ws s) throws IOException {
        return oneByte(s.a, s.out, s.b, s.in);
    }

    @Benchmark
    @AllocationFree(order = 92, path = "ws+mem:// server writev + client readv of 1 byte, one thread")
    public byte wsServerToClient1Byte(Ws s) throws IOException {
        return oneByte(s.b, s.out, s.a, s.in);
    }

    private static byte oneByte(IoChannel from, ByteBuffer[] out, IoChannel to, ByteBuffer[] in) throws IOException {
        out[0].clear();
        from.writev(out);
        in[0].clear();
        to.readv(in);
        return in[0].get(0);
    }

    @Benchmark
    @AllocationFree(order = 90, path = "mem:// writev + readv of 1 byte, one thread")
    public byte memWritevReadv1Byte(Mem s) throws IOException {
        return oneByte(s.a, s.out, s.b, s.in);
    }
}

package dev.qio.benchmarks;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.IoCondition;
import dev.qio.channel.IoListener;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * Bulk throughput of a loopback stream socket: a {@code tcp://} or {@code unix://} channel pair
 * against a raw {@link SocketChannel} pair doing the same.
 *
 * <p>One operation writes {@code size} bytes from a direct buffer, all of them ({@code writeAll};
 * the raw side loops on {@code write}). A reader thread on the accepted end drains into a 64 KiB
 * direct buffer until end of stream. In {@code blocking} mode both ends block; in
 * {@code nonblocking} mode both ends are non-blocking and wait for readiness when the kernel says
 * EAGAIN: qio with {@link IoChannel#await}, the raw side with a {@link Selector} of its own per
 * thread, as a hand-written non-blocking loop would. Socket options are the kernel's defaults on
 * both sides.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g", "--enable-native-access=ALL-UNNAMED"})
public class SocketStream {
    /** Bytes the reader asks for per read. */
    static final int READ_BUFFER = 64 * 1024;

    /**
     * What {@link Qio} and {@link Raw} share: the parameters, the buffer written, the drain
     * thread, and for {@code unix} a directory of their own for the socket.
     */
    @State(Scope.Benchmark)
    public abstract static class Pair {
        @Param({"tcp", "unix"})
        public String transport;

        @Param({"4096", "65536"})
        public int size;

        @Param({"blocking", "nonblocking"})
        public String mode;

        ByteBuffer buf;
        Background drain;
        Path dir;

        boolean blocking() {
            return mode.equals("blocking");
        }

        /** A fresh directory, and the path of the {@code unix} socket in it. */
        Path socketPath() throws IOException {
            dir = Files.createTempDirectory("qio-bench");
            return dir.resolve("s.sock");
        }

        /** Deletes the directory of {@link #socketPath()}, if there is one, and the socket file left in it. */
        void deleteDir() throws IOException {
            if (dir != null) {
                Files.deleteIfExists(dir.resolve("s.sock"));
                Files.deleteIfExists(dir);
            }
        }
    }

    /** A connected qio pair: the benchmark writes to {@code writer}, a thread drains {@code reader}. */
    @State(Scope.Benchmark)
    public static class Qio extends Pair {
        IoListener listener;
        IoChannel writer;
        IoChannel reader;

        @Setup(Level.Trial)
        public void open() throws IOException {
            listener = IoChannels.listen(transport.equals("unix") ? "unix://" + socketPath() : "tcp://127.0.0.1:0");
            writer = IoChannels.open(listener.localUri());
            reader = listener.accept();
            writer.setBlocking(blocking());
            reader.setBlocking(blocking());
            buf = Buffers.direct(size);
            drain = Background.start("qio-drain", () -> drain(reader), () -> Background.quietly(writer::close));
        }

        private static void drain(IoChannel in) throws IOException {
            ByteBuffer b = Buffers.direct(READ_BUFFER);
            while (true) {
                long n = in.read(b.clear());
                if (n == IoChannel.EOF) {
                    return;
                }
                if (n == IoChannel.ERR_BLOCK) {
                    in.await(IoCondition.IN);
                }
            }
        }

        @TearDown(Level.Trial)
        public void close() throws Exception {
            try {
                drain.stop(writer::close, reader::close, listener::close); // the reader sees EOF and ends
            } finally {
                deleteDir();
            }
        }
    }

    /** A connected raw pair, the same shape as {@link Qio}. */
    @State(Scope.Benchmark)
    public static class Raw extends Pair {
        ServerSocketChannel server;
        SocketChannel writer;
        SocketChannel reader;
        /** The benchmark thread's selector, in non-blocking mode. */
        Selector writable;

        @Setup(Level.Trial)
        public void open() throws IOException {
            SocketAddress at;
            if (transport.equals("unix")) {
                at = UnixDomainSocketAddress.of(socketPath());
                server = ServerSocketChannel.open(StandardProtocolFamily.UNIX).bind(at);
                writer = SocketChannel.open(StandardProtocolFamily.UNIX);
            } else {
                server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                at = server.getLocalAddress();
                writer = SocketChannel.open();
            }
            writer.connect(at);
            reader = server.accept();
            boolean blocking = blocking();
            if (!blocking) {
                writer.configureBlocking(false);
                reader.configureBlocking(false);
                writable = Selector.open();
                writer.register(writable, SelectionKey.OP_WRITE);
            }
            buf = Buffers.direct(size);
            drain = Background.start(
                    "raw-drain", () -> drain(reader, blocking), () -> Background.quietly(writer::close));
        }

        private static void drain(SocketChannel in, boolean blocking) throws IOException {
            ByteBuffer b = Buffers.direct(READ_BUFFER);
            try (Selector readable = blocking ? null : Selector.open()) {
                if (readable != null) {
                    in.register(readable, SelectionKey.OP_READ);
                }
                while (true) {
                    int n = in.read(b.clear());
                    if (n < 0) {
                        return;
                    }
                    if (n == 0) {
                        readable.select();
                        readable.selectedKeys().clear();
                    }
                }
            }
        }

        void write() throws IOException {
            ByteBuffer b = buf.clear();
            while (b.hasRemaining()) {
                if (writer.write(b) == 0) {
                    writable.select();
                    writable.selectedKeys().clear();
                }
            }
        }

        @TearDown(Level.Trial)
        public void close() throws Exception {
            if (writable != null) {
                writable.close(); // deregisters the writer, so its close below closes the socket at once
            }
            try {
                drain.stop(writer::close, reader::close, server::close);
            } finally {
                deleteDir();
            }
        }
    }

    @Benchmark
    @Compare(
            order = 10,
            path = "{transport}:// {size} writes, {mode}",
            baseline = "raw",
            baselineLabel = "raw SocketChannel ({transport})",
            target = 0.95,
            bytesPerOp = "size")
    public void qio(Qio s) throws IOException {
        s.writer.writeAll(s.buf.clear());
    }

    @Benchmark
    public void raw(Raw s) throws IOException {
        s.write();
    }
}

package dev.qio.benchmarks;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
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
 * Latency of 1-byte round trips over {@code tcp://} on loopback, against raw {@link SocketChannel}s:
 * one operation writes one byte and reads the one-byte answer; an echo thread on the accepted end
 * reads each byte and writes it back. Both ends are blocking, with TCP_NODELAY on both sides.
 * Every read here has to wait for the peer, so this is the row that shows what waiting costs.
 *
 * <p>A second, informational baseline ({@link RawSelect}) does what qio does underneath: sockets in
 * non-blocking mode, and a read that finds nothing waits in a {@link Selector} of its own and
 * tries again. Against it, qio's own cost shows apart from its mechanism's.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g", "--enable-native-access=ALL-UNNAMED"})
public class PingPong {

    /** A qio pair with an echo thread on the accepted end. */
    @State(Scope.Benchmark)
    public static class Qio extends QioEchoPair {
        @Setup(Level.Trial)
        public void open() throws IOException {
            open(false);
        }

        @Override
        @TearDown(Level.Trial)
        public void close() throws Exception {
            super.close();
        }
    }

    /**
     * A raw loopback pair with TCP_NODELAY on both ends, what {@link Raw} and {@link RawSelect}
     * share. Not a state itself: each subclass has its own setup and teardown.
     */
    abstract static class RawPair {
        ServerSocketChannel listener;
        SocketChannel client;
        SocketChannel server;
        final ByteBuffer ping = ByteBuffer.allocateDirect(1);
        final ByteBuffer pong = ByteBuffer.allocateDirect(1);
        Background echo;

        /** Connects the pair and starts its echo (each subclass's setup). */
        public abstract void open() throws IOException;

        /** Ends the echo and closes the pair (each subclass's teardown). */
        public abstract void close() throws Exception;

        /** Connects the pair and starts an echo on the accepted end, on a virtual thread if {@code virtual}. */
        void connectWithEcho(boolean virtual) throws IOException {
            connect();
            Background.Loop loop = () -> {
                ByteBuffer b = ByteBuffer.allocateDirect(1);
                while (server.read(b.clear()) > 0) {
                    writeFully(server, b.flip());
                }
            };
            Runnable onFailure = () -> Background.quietly(client::close);
            echo = virtual
                    ? Background.startVirtual("jdk-echo", loop, onFailure)
                    : Background.start("raw-echo", loop, onFailure);
        }

        /** Closes the client, so the echo reads end of stream and ends, then the rest. */
        void closeWithEcho() throws Exception {
            echo.stop(client::close, server::close, listener::close);
        }

        /** Opens the listener and connects the pair, both ends blocking. */
        void connect() throws IOException {
            listener = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            client = SocketChannel.open(listener.getLocalAddress());
            server = listener.accept();
            client.setOption(StandardSocketOptions.TCP_NODELAY, true);
            server.setOption(StandardSocketOptions.TCP_NODELAY, true);
        }

        /** Writes {@code b} whole; a write that takes nothing (non-blocking, buffer full) is retried at once. */
        static void writeFully(SocketChannel ch, ByteBuffer b) throws IOException {
            while (b.hasRemaining()) {
                ch.write(b);
            }
        }
    }

    /** A raw pair, the same shape as {@link Qio}. */
    @State(Scope.Benchmark)
    public static class Raw extends RawPair {
        @Setup(Level.Trial)
        public void open() throws IOException {
            connectWithEcho(false);
        }

        @TearDown(Level.Trial)
        public void close() throws Exception {
            closeWithEcho();
        }
    }

    /**
     * A raw pair in non-blocking mode where each reader waits in its own {@link Selector}: qio's
     * blocking mechanism for platform threads, by hand.
     */
    @State(Scope.Benchmark)
    public static class RawSelect extends RawPair {
        Selector clientReadable;

        @Setup(Level.Trial)
        public void open() throws IOException {
            connect();
            client.configureBlocking(false);
            server.configureBlocking(false);
            clientReadable = Selector.open();
            client.register(clientReadable, SelectionKey.OP_READ);
            echo = Background.start(
                    "select-echo",
                    () -> {
                        ByteBuffer b = ByteBuffer.allocateDirect(1);
                        try (Selector readable = Selector.open()) {
                            server.register(readable, SelectionKey.OP_READ);
                            while (readFully(server, b.clear(), readable)) {
                                writeFully(server, b.flip());
                            }
                        }
                    },
                    () -> Background.quietly(client::close));
        }

        @TearDown(Level.Trial)
        public void close() throws Exception {
            clientReadable.close(); // deregisters the client, so its close below closes the socket at once
            echo.stop(client::close, server::close, listener::close);
        }
    }

    /** Reads until {@code b} is full, waiting in {@code readable} when the socket has nothing; false at EOF. */
    static boolean readFully(SocketChannel ch, ByteBuffer b, Selector readable) throws IOException {
        while (b.hasRemaining()) {
            int n = ch.read(b);
            if (n < 0) {
                return false;
            }
            if (n == 0) {
                readable.select(IGNORE);
            }
        }
        return true;
    }

    private static final java.util.function.Consumer<SelectionKey> IGNORE = key -> {};

    @Benchmark
    @Compare(
            order = 30,
            path = "tcp:// 1-byte ping-pong round trips, blocking",
            baseline = "raw",
            baselineLabel = "raw SocketChannel (tcp)",
            target = 1.0)
    @Compare(
            order = 31,
            path = "tcp:// 1-byte ping-pong round trips, blocking",
            baseline = "rawSelect",
            baselineLabel = "raw SocketChannel, non-blocking + Selector")
    public byte qio(Qio s) throws IOException {
        s.client.writeAll(s.ping.clear());
        s.client.readAll(s.pong.clear());
        return s.pong.get(0);
    }

    @Benchmark
    public byte raw(Raw s) throws IOException {
        RawPair.writeFully(s.client, s.ping.clear());
        ByteBuffer pong = s.pong.clear();
        while (pong.hasRemaining()) {
            if (s.client.read(pong) < 0) {
                throw new IOException("the echo ended");
            }
        }
        return s.pong.get(0);
    }

    @Benchmark
    public byte rawSelect(RawSelect s) throws IOException {
        RawPair.writeFully(s.client, s.ping.clear());
        if (!readFully(s.client, s.pong.clear(), s.clientReadable)) {
            throw new IOException("the echo ended");
        }
        return s.pong.get(0);
    }
}

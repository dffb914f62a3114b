package dev.qio.benchmarks;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.IoListener;
import dev.qio.channel.NativeFd;
import dev.qio.channel.spi.NativeFds;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.newsclub.net.unix.AFUNIXServerSocketChannel;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.newsclub.net.unix.AFUNIXSocketChannel;
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
 * Descriptor passing over a unix socket: one operation sends one byte with one descriptor (a
 * file's, {@code SCM_RIGHTS}) and waits for a one-byte answer; an echo thread on the accepted end
 * reads the byte, closes the descriptor it received and answers. qio's native {@code unix://}
 * against junixsocket ({@code AFUNIXSocketChannel}, JNI), the usual way on the JVM, which the JDK
 * cannot do at all. Both ends blocking, platform threads.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g", "--enable-native-access=ALL-UNNAMED"})
public class FdPass {

    /** A directory with the socket and the file whose descriptor travels; removed at teardown. */
    abstract static class SocketDir {
        Path dir;
        Path file;

        void makeFiles() throws IOException {
            dir = Files.createTempDirectory("qio-bench-fd");
            file = Files.writeString(dir.resolve("f"), "x");
        }

        void removeFiles() throws IOException {
            try (var walk = Files.walk(dir)) {
                for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** qio: a native unix pair and the echo. */
    @State(Scope.Benchmark)
    public static class Qio extends SocketDir {
        IoListener listener;
        IoChannel client;
        IoChannel server;
        NativeFd fd;
        List<NativeFd> fds;
        final ByteBuffer[] ping = {ByteBuffer.allocateDirect(1)};
        final ByteBuffer pong = ByteBuffer.allocateDirect(1);
        Background echo;

        @Setup(Level.Trial)
        public void open() throws IOException {
            makeFiles();
            listener = IoChannels.listen("unix://" + dir.resolve("s"));
            client = IoChannels.open(listener.localUri());
            server = listener.accept();
            fd = NativeFds.open(file, false);
            fds = List.of(fd);
            echo = Background.start(
                    "qio-fd-echo",
                    () -> {
                        ByteBuffer b = ByteBuffer.allocateDirect(1);
                        ByteBuffer[] iov = {b};
                        List<NativeFd> got = new ArrayList<>(1);
                        while (server.readv(iov, got, Set.of()) > 0) {
                            for (NativeFd f : got) {
                                f.close();
                            }
                            got.clear();
                            server.writeAll(b.flip());
                            b.clear();
                        }
                    },
                    () -> Background.quietly(client::close));
        }

        @TearDown(Level.Trial)
        public void close() throws Exception {
            echo.stop(client::close, server::close, listener::close, fd::close);
            removeFiles();
        }
    }

    /** junixsocket: the same pair and echo on {@code AFUNIXSocketChannel}. */
    @State(Scope.Benchmark)
    public static class Junix extends SocketDir {
        AFUNIXServerSocketChannel listener;
        AFUNIXSocketChannel client;
        AFUNIXSocketChannel server;
        FileInputStream open;
        FileDescriptor fd;
        final ByteBuffer ping = ByteBuffer.allocateDirect(1);
        final ByteBuffer pong = ByteBuffer.allocateDirect(1);
        Background echo;

        @Setup(Level.Trial)
        public void open() throws IOException {
            makeFiles();
            AFUNIXSocketAddress at = AFUNIXSocketAddress.of(dir.resolve("s"));
            listener = AFUNIXServerSocketChannel.open();
            listener.bind(at);
            client = AFUNIXSocketChannel.open(at);
            server = listener.accept();
            server.setAncillaryReceiveBufferSize(1024);
            open = new FileInputStream(file.toFile());
            fd = open.getFD();
            echo = Background.start(
                    "junixsocket-fd-echo",
                    () -> {
                        ByteBuffer b = ByteBuffer.allocateDirect(1);
                        while (server.read(b.clear()) > 0) {
                            FileDescriptor[] got = server.getReceivedFileDescriptors();
                            if (got != null) {
                                for (FileDescriptor f : got) {
                                    new FileInputStream(f).close(); // the JDK's one way to close a bare FileDescriptor
                                }
                            }
                            PingPong.RawPair.writeFully(server, b.flip());
                        }
                    },
                    () -> Background.quietly(client::close));
        }

        @TearDown(Level.Trial)
        public void close() throws Exception {
            echo.stop(client::close, server::close, listener::close, open::close);
            removeFiles();
        }
    }

    @Benchmark
    @Compare(
            order = 80,
            path = "unix:// 1 byte + 1 descriptor round trips (receiver closes it)",
            baseline = "junixsocket",
            baselineLabel = "junixsocket AFUNIXSocketChannel (JNI)")
    public byte qio(Qio s) throws IOException {
        s.ping[0].clear();
        s.client.writevAll(s.ping, s.fds, Set.of());
        s.client.readAll(s.pong.clear());
        return s.pong.get(0);
    }

    @Benchmark
    public byte junixsocket(Junix s) throws IOException {
        s.client.setOutboundFileDescriptors(s.fd);
        PingPong.RawPair.writeFully(s.client, s.ping.clear());
        ByteBuffer pong = s.pong.clear();
        while (pong.hasRemaining()) {
            if (s.client.read(pong) < 0) {
                throw new IOException("the echo ended");
            }
        }
        return s.pong.get(0);
    }
}

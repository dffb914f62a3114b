package dev.qio.benchmarks;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.IoListener;
import dev.qio.provider.tls.TlsChannel;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.Callable;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Bulk throughput of TLS over loopback TCP: a {@code tls+tcp://} pair against a JDK
 * {@link SSLSocket} pair doing the same, with the same certificates ({@link TlsCreds}), TLS 1.3
 * only, and mutual authentication on both sides (qio's listener requires a client certificate by
 * default, the JDK's server socket is told to). Both clients check the server's certificate
 * against {@code 127.0.0.1}. Both handshakes run in setup, outside the measurement.
 *
 * <p>One operation writes {@code size} bytes, all of them, on the client end; a reader thread on
 * the accepted end reads until end of stream. Both sides encrypt from a heap array, the only kind
 * of buffer an {@code SSLSocket} takes: qio {@code writeAll}s a heap {@link ByteBuffer}, the
 * baseline writes a {@code byte[]} to the socket's output stream (which encrypts and sends before
 * it returns: nothing to flush). The readers drain into 64 KiB, a heap {@code ByteBuffer} and a
 * {@code byte[]}. Both ends block; socket options are the kernel's defaults on both sides.
 *
 * <p>Warm-up: 3 × 2 s at least ({@link Pairs} keeps a class's {@code @Warmup} as a floor under
 * {@code benchmarks/run}'s short profile): TLS warms up slowly, the cipher's intrinsics come with C2.
 */
@BenchmarkMode(Mode.Throughput)
@Warmup(iterations = 3, time = 2, timeUnit = TimeUnit.SECONDS)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g", "--enable-native-access=ALL-UNNAMED"})
public class TlsStream {
    /** Bytes the reader asks for per read. */
    static final int READ_BUFFER = 64 * 1024;

    /** A connected {@code tls+tcp://} pair: the benchmark writes to {@code writer}, a thread drains {@code reader}. */
    @State(Scope.Benchmark)
    public static class Qio {
        @Param({"4096", "65536"})
        public int size;

        IoListener listener;
        IoChannel writer;
        IoChannel reader;
        ByteBuffer buf;
        Background drain;

        @Setup(Level.Trial)
        public void open() throws Exception {
            TlsCreds creds = TlsCreds.get();
            listener = IoChannels.listen("tls+tcp://127.0.0.1:0?" + creds.qioOptions());
            Connected<IoChannel, IoChannel> c =
                    connect(() -> IoChannels.open(creds.withOptions(listener.localUri())), listener::accept);
            writer = c.client();
            reader = c.server();
            buf = ByteBuffer.allocate(size);
            drain = Background.start("qio-tls-drain", () -> drain(reader), () -> Background.quietly(writer::close));
        }

        private static void drain(IoChannel in) throws IOException {
            ByteBuffer b = ByteBuffer.allocate(READ_BUFFER);
            while (in.read(b.clear()) != IoChannel.EOF) {
                // the bytes are not looked at
            }
        }

        @TearDown(Level.Trial)
        public void close() throws Exception {
            // close_notify first, and close only once the reader has read it: the writer never
            // reads, so the server's session ticket is still unread at its end, and closing a
            // socket with unread input resets the connection, which could cut off the ciphertext
            // still in flight before the reader sees the end of the stream.
            drain.stop(((TlsChannel) writer)::bye, writer::close, reader::close, listener::close);
        }
    }

    /** A connected {@link SSLSocket} pair, the same shape as {@link Qio}. */
    @State(Scope.Benchmark)
    public static class Jsse {
        @Param({"4096", "65536"})
        public int size;

        SSLServerSocket listener;
        SSLSocket writer;
        SSLSocket reader;
        OutputStream out;
        byte[] bytes;
        Background drain;

        @Setup(Level.Trial)
        public void open() throws Exception {
            TlsCreds creds = TlsCreds.get();
            listener = creds.serverSocket();
            Connected<SSLSocket, SSLSocket> c =
                    connect(() -> creds.clientSocket(listener.getLocalPort(), false), () -> {
                        SSLSocket s = (SSLSocket) listener.accept();
                        s.startHandshake();
                        return s;
                    });
            writer = c.client();
            reader = c.server();
            out = writer.getOutputStream();
            bytes = new byte[size];
            drain = Background.start(
                    "jsse-drain", () -> drain(reader.getInputStream()), () -> Background.quietly(writer::close));
        }

        private static void drain(InputStream in) throws IOException {
            byte[] b = new byte[READ_BUFFER];
            while (in.read(b) >= 0) {
                // the bytes are not looked at
            }
        }

        @TearDown(Level.Trial)
        public void close() throws Exception {
            drain.stop(
                    writer::shutdownOutput,
                    writer::close,
                    reader::close,
                    listener::close); // close_notify first: see Qio.close()
        }
    }

    /** The two ends of one connection, each with its handshake done. */
    record Connected<C, S>(C client, S server) {}

    /**
     * Connects with {@code connect} while {@code accept} runs on a thread of its own: each end's
     * handshake needs the other end to answer, so one thread cannot open both.
     */
    static <C, S> Connected<C, S> connect(Callable<C> connect, Callable<S> accept) throws Exception {
        FutureTask<S> server = new FutureTask<>(accept);
        Thread.ofPlatform().name("tls-accept").daemon(true).start(server);
        C client = connect.call();
        return new Connected<>(client, server.get(30, TimeUnit.SECONDS));
    }

    @Benchmark
    @Compare(
            order = 70,
            path = "tls+tcp:// {size} writes, blocking",
            baseline = "sslSocket",
            baselineLabel = "SSLSocket, TLS 1.3, same certificates",
            target = 0.9,
            bytesPerOp = "size")
    public void qio(Qio s) throws IOException {
        s.writer.writeAll(s.buf.clear());
    }

    @Benchmark
    public void sslSocket(Jsse s) throws IOException {
        s.out.write(s.bytes);
    }
}

package dev.qio.benchmarks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * {@link PingPong} with both ends on virtual threads, against the JDK's own {@link SocketChannel}
 * on virtual threads (blocking mode, which the JDK turns into "try, then park on its poller"). One
 * invocation starts a virtual thread that makes {@link #ROUNDS} 1-byte round trips and joins it;
 * the score is round trips per second. The echo end is a virtual thread too, so every wait on
 * both sides is a virtual thread's wait.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g", "--enable-native-access=ALL-UNNAMED"})
public class VirtualPingPong {
    static final int ROUNDS = 1000;

    /** Runs {@code rounds} on a fresh virtual thread and waits for it. */
    static void onVirtualThread(Background.Loop rounds) throws Exception {
        Throwable[] failure = new Throwable[1];
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                rounds.run();
            } catch (Throwable e) {
                failure[0] = e;
            }
        });
        t.join();
        if (failure[0] != null) {
            throw new IOException("round trips failed", failure[0]);
        }
    }

    /** A qio pair with a virtual echo thread on the accepted end. */
    @State(Scope.Benchmark)
    public static class Qio extends QioEchoPair {
        @Setup(Level.Trial)
        public void open() throws IOException {
            open(true);
        }

        @Override
        @TearDown(Level.Trial)
        public void close() throws Exception {
            super.close();
        }
    }

    /** The JDK's blocking {@link SocketChannel}s, used from virtual threads as the JDK intends. */
    @State(Scope.Benchmark)
    public static class Jdk extends PingPong.RawPair {
        @Setup(Level.Trial)
        public void open() throws IOException {
            connectWithEcho(true);
        }

        @TearDown(Level.Trial)
        public void close() throws Exception {
            closeWithEcho();
        }
    }

    @Benchmark
    @OperationsPerInvocation(ROUNDS)
    @Compare(
            order = 32,
            path = "tcp:// 1-byte ping-pong round trips, virtual threads",
            baseline = "jdk",
            baselineLabel = "JDK SocketChannel on virtual threads",
            target = 0.95)
    public void qio(Qio s) throws Exception {
        onVirtualThread(() -> {
            for (int i = 0; i < ROUNDS; i++) {
                s.client.writeAll(s.ping.clear());
                s.client.readAll(s.pong.clear());
            }
        });
    }

    @Benchmark
    @OperationsPerInvocation(ROUNDS)
    public void jdk(Jdk s) throws Exception {
        onVirtualThread(() -> {
            for (int i = 0; i < ROUNDS; i++) {
                PingPong.RawPair.writeFully(s.client, s.ping.clear());
                ByteBuffer pong = s.pong.clear();
                while (pong.hasRemaining()) {
                    if (s.client.read(pong) < 0) {
                        throw new IOException("the echo ended");
                    }
                }
            }
        });
    }
}

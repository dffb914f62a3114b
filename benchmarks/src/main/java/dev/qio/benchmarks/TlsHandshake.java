package dev.qio.benchmarks;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.IoListener;
import dev.qio.provider.tls.TlsChannel;
import java.io.IOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * TLS handshakes per second over loopback TCP: {@code tls+tcp://} against the JDK's
 * {@link SSLSocket}, with the same certificates and settings as {@link TlsStream} (TLS 1.3 only,
 * EC P-256, mutual authentication, the client checking the server against {@code 127.0.0.1}).
 *
 * <p>One operation connects a client and completes its handshake (qio:
 * {@code IoChannels.open("tls+tcp://…")}, which returns once the handshake is done; the baseline:
 * {@code createSocket} and {@code startHandshake()}), waits for the server end, accepted on a
 * thread of its own, to complete its side of the handshake (qio: the {@code tls+} listener's
 * {@code accept()}; the baseline: {@code accept()} and {@code startHandshake()}) and close, then
 * closes the client. Nothing is read or written after the handshake.
 *
 * <p>TCP_NODELAY is on at all four ends. A handshake is a few small flights, and with Nagle's
 * algorithm a flight written in more than one piece waits for the peer's delayed ACK: in a trial
 * of 200 handshakes per side, the fastest {@code SSLSocket} handshake took 44 ms with the kernel's
 * defaults and 7 ms with TCP_NODELAY, so the row would have compared a 40 ms timer, not TLS.
 * ({@code tls+} now sends each flight in one write and no longer needs it; {@code SSLSocket}
 * still does.)
 *
 * <h2>Sessions: every handshake is a full one, on both sides</h2>
 * The fork runs with {@code -Djdk.tls.server.newSessionTicketCount=0}, so neither server (qio's
 * {@code SSLEngine} and the {@code SSLServerSocket} run in the same JVM) sends a TLS 1.3 session
 * ticket, and a TLS 1.3 client can resume only a session it holds a ticket for. Resumption
 * skips the certificates and their signatures, a large part of a handshake's cost, and the row
 * measures full handshakes: both clients resume from a ticket they have read (the JDK keeps
 * client sessions under the server's host and port, which {@code IoChannels.open} passes), and
 * whether a client has read its ticket before the next connection would otherwise depend on
 * timing. (This benchmark's clients read nothing, so they would mostly not take a ticket in
 * anyway; the property makes that certain, and spares both servers making tickets no one uses.)
 *
 * <p>How that was verified, on JDK 25 with {@code -Djavax.net.debug=ssl:handshake}: these very
 * operations, 40 per side, with the property: 40 ClientHellos per side, no NewSessionTicket
 * produced, no "Found resumable session" logged on a client and no "Resuming session" on a
 * server. Without it, each server produced one ticket per handshake and these clients consumed
 * none. As a control, 20 connections per side whose client reads one byte that the server
 * writes after its handshake, so that it takes the ticket in first: without the property the
 * {@code SSLSocket} client resumed on 19 of 20 (all but the first) and the qio client of that
 * day on none, though it consumed all 20 tickets (it passed no port; that was a bug, fixed since,
 * and {@code TlsResumptionTest} checks it); with the property neither resumed. The creation-time
 * check below, applied there, counted exactly those 19.
 *
 * <p>And every run checks it: each operation looks at its client's session
 * ({@link HandshakeCount}), and teardown fails the benchmark if any handshake resumed one.
 *
 * <p>Warm-up: 6 × 2 s at least ({@link Pairs} keeps a class's {@code @Warmup} as a floor under
 * {@code benchmarks/run}'s short profile). A handshake runs through much more code than a record:
 * after 3 × 2 s of warm-up both sides still sped up by half from the first measured second to the
 * third.
 */
@BenchmarkMode(Mode.Throughput)
@Warmup(iterations = 6, time = 2, timeUnit = TimeUnit.SECONDS)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
        value = 1,
        jvmArgsAppend = {
            "-Xms1g",
            "-Xmx1g",
            "--enable-native-access=ALL-UNNAMED",
            "-Djdk.tls.server.newSessionTicketCount=0"
        })
public class TlsHandshake {
    /**
     * What both sides' states share: one operation connects a client of type {@code C}, waits for
     * the server end, checks that the handshake was a full one, and closes the client.
     */
    abstract static class Handshakes<C extends AutoCloseable> {
        ServerEnd server;
        final HandshakeCount count;

        Handshakes(String side) {
            count = new HandshakeCount(side);
        }

        /** A client whose handshake is done. */
        abstract C connect() throws IOException;

        abstract SSLSession session(C client);

        /** Closes the listener, which ends the server end's {@code accept()}. */
        abstract void closeListener() throws Exception;

        final void handshake() throws Exception {
            long before = System.currentTimeMillis();
            try (C client = connect()) {
                server.awaitServed();
                count.check(session(client), before);
            }
        }

        @TearDown(Level.Trial)
        public void close() throws Exception {
            server.stop(this::closeListener);
            count.verify();
        }
    }

    /** Handshakes through a {@code tls+tcp://} listener and {@code IoChannels.open}. */
    @State(Scope.Benchmark)
    public static class QioHandshakes extends Handshakes<IoChannel> {
        IoListener listener;
        String uri;

        public QioHandshakes() {
            super("qio");
        }

        @Setup(Level.Trial)
        public void open() throws IOException {
            TlsCreds creds = TlsCreds.get();
            listener = IoChannels.listen(
                    "tls+tcp://127.0.0.1:0?nodelay=true&" + creds.qioOptions()); // accepted ends get TCP_NODELAY
            uri = creds.withOptions(listener.localUri()) + "&nodelay=true";
            server = new ServerEnd(
                    "qio-tls-accept", () -> listener.accept().close()); // accept() completes the handshake
        }

        @Override
        IoChannel connect() throws IOException {
            return IoChannels.open(uri);
        }

        @Override
        SSLSession session(IoChannel client) {
            return ((TlsChannel) client).session();
        }

        @Override
        void closeListener() throws IOException {
            listener.close();
        }
    }

    /** Handshakes through an {@link SSLServerSocket} and an {@link SSLSocket}, the same shape. */
    @State(Scope.Benchmark)
    public static class JsseHandshakes extends Handshakes<SSLSocket> {
        TlsCreds creds;
        SSLServerSocket listener;
        int port;

        public JsseHandshakes() {
            super("SSLSocket");
        }

        @Setup(Level.Trial)
        public void open() throws IOException {
            creds = TlsCreds.get();
            listener = creds.serverSocket();
            port = listener.getLocalPort();
            server = new ServerEnd("jsse-accept", () -> {
                try (SSLSocket s = (SSLSocket) listener.accept()) {
                    s.setTcpNoDelay(true);
                    s.startHandshake();
                }
            });
        }

        @Override
        SSLSocket connect() throws IOException {
            return creds.clientSocket(port, true);
        }

        @Override
        SSLSession session(SSLSocket client) {
            return client.getSession();
        }

        @Override
        void closeListener() throws IOException {
            listener.close();
        }
    }

    /**
     * The server end of a handshake benchmark: a thread that serves one connection at a time
     * (accept, complete the handshake, close) until the listener closes, and reports each to the
     * benchmark thread, so that an operation ends only once both ends are done.
     */
    static final class ServerEnd {
        private static final Object SERVED = new Object();
        /** How long an operation waits for the server end, far beyond any handshake. */
        private static final long TIMEOUT_SECONDS = 30;

        /** {@link #SERVED} for each connection served, or the failure that ended the thread. */
        private final BlockingQueue<Object> served = new LinkedBlockingQueue<>();

        private final Background thread;
        private volatile boolean stopping;

        ServerEnd(String name, Background.Loop serveOne) {
            thread = Background.start(
                    name,
                    () -> {
                        while (true) {
                            try {
                                serveOne.run();
                            } catch (Exception e) {
                                if (stopping) {
                                    return; // the listener was closed under accept()
                                }
                                served.add(e);
                                throw e;
                            }
                            served.add(SERVED);
                        }
                    },
                    () -> {});
        }

        /** Waits until the server end has served one more connection. */
        void awaitServed() throws IOException, InterruptedException {
            Object o = served.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (o == null) {
                throw new IOException("the server end served no connection in " + TIMEOUT_SECONDS + " s");
            }
            if (o instanceof Exception e) {
                throw new IOException("the server end failed: " + e, e);
            }
        }

        /** Closes the listener, which ends the thread's {@code accept()}, and waits for the thread. */
        void stop(Background.Loop closeListener) throws InterruptedException {
            stopping = true;
            Background.quietly(closeListener);
            thread.join();
        }
    }

    /**
     * Counts the handshakes whose session was resumed rather than made by a full handshake. A
     * full handshake makes its session during the operation; a resumed one (TLS 1.3 or 1.2, in
     * the JDK's implementation that both sides use) carries the creation time of the session it
     * resumes, made by an earlier connection. That earlier session can have been made within the
     * same millisecond as the operation began, so one resumption can pass unnoticed, but not
     * every one.
     */
    static final class HandshakeCount {
        private final String side;
        private long handshakes;
        private long resumed;

        HandshakeCount(String side) {
            this.side = side;
        }

        /** Counts one handshake; {@code before} is {@link System#currentTimeMillis()} from before it began. */
        void check(SSLSession session, long before) {
            handshakes++;
            if (session.getCreationTime() < before) {
                resumed++;
            }
        }

        /**
         * Fails if any handshake resumed a session.
         *
         * @throws IllegalStateException naming the count: the row would compare different work
         */
        void verify() {
            if (resumed > 0) {
                throw new IllegalStateException(side + ": " + resumed + " of " + handshakes
                        + " handshakes resumed a session; this benchmark compares full handshakes");
            }
        }
    }

    @Benchmark
    @Compare(
            order = 71,
            path = "tls+tcp:// full handshakes, TLS 1.3, mutual authentication",
            baseline = "sslSocket",
            baselineLabel = "SSLSocket, same certificates",
            target = 0.9)
    public void qio(QioHandshakes s) throws Exception {
        s.handshake();
    }

    @Benchmark
    public void sslSocket(JsseHandshakes s) throws Exception {
        s.handshake();
    }
}

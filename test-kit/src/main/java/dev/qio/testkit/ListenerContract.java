package dev.qio.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.qio.channel.EventLoop;
import dev.qio.channel.Feature;
import dev.qio.channel.IoChannel;
import dev.qio.channel.IoListener;
import dev.qio.channel.Watch;
import dev.qio.channel.spi.AbstractIoListener;
import dev.qio.channel.spi.LayerListener;
import dev.qio.channel.spi.LingeringClose;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

/**
 * The listener's conformance contract ({@link IoListener}), the counterpart of
 * {@link ChannelContract}: extend it and return your {@link ListenerFixture}.
 *
 * <pre>{@code
 * class MyListenerContractTest extends ListenerContract {
 *     @Override protected ListenerFixture fixture() {
 *         return ListenerFixture.of("my", IoChannels.registry(), () -> "my://0", "");
 *     }
 * }
 * }</pre>
 *
 * <p>What it checks, each as a test named {@code id [fixture, variant]}:
 * <ul>
 *   <li>a new listener is open, blocking, has {@link Feature#LISTEN}, a name, and a
 *       {@link IoListener#localUri()} that is not port 0; two listeners get two addresses; a unix
 *       socket file exists while it listens;
 *   <li>a blocking {@code accept} waits for a client, on a platform and on a virtual thread, and
 *       hands back a blocking channel that carries bytes both ways;
 *   <li>a non-blocking {@code accept} returns {@code null} while no client is pending, and the client
 *       once it is;
 *   <li>{@code close} wakes a blocked {@code accept} with {@link ClosedChannelException} within the
 *       kit's liveness bound (5 s times {@code qio.timeout.scale}), on both kinds of thread; after
 *       it, {@code accept} (blocking or not) and {@code setBlocking} throw it; {@code close} is
 *       idempotent, ends {@code onAccept} watches, removes the socket file and leaves the address
 *       refusing clients; a client that was never accepted sees its open fail or its stream end
 *       (EOF or an exception), never a hang;
 *   <li>{@code onAccept} hands every client over on the loop within the liveness bound; closing the
 *       watch ends it;
 *   <li>accepted channels outlive the listener;
 *   <li>fifty listen, connect, accept, close cycles leave no descriptor and no thread behind.
 * </ul>
 *
 * <p>The class runs past 400 lines because it is one contract over one fixture, like
 * {@link ChannelContract}: each property is a short scenario checked against the {@code IoListener}
 * javadoc, and they share the fixture's helpers (cycles, connects, the responsiveness limit); split
 * by property, a reader would have to gather the contract from several files.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ListenerContract {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final int CYCLES = 50;
    /** Descriptors other code in the JVM may open meanwhile (class loading, the test runner). */
    private static final int SLACK = 5;

    /** The fixture under test; called once per test class instance. */
    protected abstract ListenerFixture fixture();

    private ListenerFixture fixture;

    private ListenerFixture f() {
        if (fixture == null) {
            fixture = fixture();
        }
        return fixture;
    }

    /** A check that runs on a platform or on a virtual thread. */
    @FunctionalInterface
    private interface OnThread {
        void run(boolean virtual) throws Throwable;
    }

    private Stream<DynamicTest> once(String id, Kit.Body body) {
        return Stream.of(test(id, "", body));
    }

    private Stream<DynamicTest> bothThreads(String id, OnThread body) {
        return Stream.of(test(id, "platform", () -> body.run(false)), test(id, "virtual", () -> body.run(true)));
    }

    private DynamicTest test(String id, String variant, Kit.Body body) {
        String label = id + " [" + f().name() + (variant.isEmpty() ? "" : ", " + variant) + "]";
        Duration bound = Kit.timeout(TIMEOUT);
        return DynamicTest.dynamicTest(
                label,
                () -> assertTimeoutPreemptively(
                        bound,
                        () -> {
                            try {
                                body.run();
                            } catch (AssertionError failed) {
                                // the check's name leads its message, so a failure read out of context still says which
                                throw new AssertionError(label + ": " + failed.getMessage(), failed);
                            }
                            return null;
                        },
                        () -> label + " did not finish within " + bound + " (scale with -Dqio.timeout.scale)"));
    }

    private static <T> Background<T> start(boolean virtual, String name, Callable<T> task) {
        return virtual ? Background.startVirtual(name, task) : Background.start(name, task);
    }

    /** Returns once {@code task}'s thread waits inside {@code listener}'s accept. */
    private static void awaitBlockedInAccept(Background<?> task, IoListener listener) {
        Thread t = task.thread();
        while (!(Background.isBlockedIn(t, AbstractIoListener.class)
                || Background.isBlockedIn(t, LayerListener.class)
                || Background.isBlockedIn(t, listener.getClass()))) {
            if (!t.isAlive()) {
                fail("the acceptor ended instead of waiting for a client");
            }
            Thread.onSpinWait();
        }
    }

    /** One byte each way between a client and the end that accepted it. */
    private static void exchange(IoChannel client, IoChannel server, String what) throws IOException {
        client.writeAll(TestIo.ascii("c"));
        assertEquals("c", TestIo.readAscii(server, 1), what + ": the accepted end did not read what the client wrote");
        server.writeAll(TestIo.ascii("s"));
        assertEquals("s", TestIo.readAscii(client, 1), what + ": the client did not read what the accepted end wrote");
    }

    /**
     * A non-blocking accept repeated until a client is pending: only once its connect (and a
     * layer's handshake) got far enough. Spins on that event; the test's timeout bounds it.
     */
    private static IoChannel acceptWhenPending(IoListener listener) throws IOException {
        IoChannel ch;
        while ((ch = listener.accept()) == null) {
            Thread.onSpinWait();
        }
        return ch;
    }

    // ---- a new listener ------------------------------------------------------------------------

    /**
     * A new listener is open, blocking, has LISTEN and a name, and its address is real: not port 0,
     * a socket file that exists. If this fails, check that localUri() reports the bound address
     * (getsockname), not the one asked for.
     */
    @TestFactory
    Stream<DynamicTest> required_listener_new() {
        return once("required_listener_new", () -> {
            try (IoListener l = f().listen()) {
                assertTrue(l.isOpen(), "a new listener is open");
                assertTrue(l.isBlocking(), "a new listener is blocking");
                assertTrue(l.features().contains(Feature.LISTEN), "features() lacks LISTEN: " + l.features());
                assertNotNull(l.name(), "name()");
                assertFalse(l.name().isBlank(), "name() is blank");
                URI uri = l.localUri();
                assertNotNull(uri, "localUri()");
                assertNotEquals(0, uri.getPort(), "localUri() still says port 0: " + uri);
                Optional<Path> file = f().socketFile(l);
                file.ifPresent(
                        p -> assertTrue(Files.exists(p), "the socket file " + p + " of " + uri + " does not exist"));
            }
        });
    }

    /** Two listeners open at once have two addresses (port 0 resolved to a real port each time). */
    @TestFactory
    Stream<DynamicTest> required_listener_distinct_addresses() {
        return once("required_listener_distinct_addresses", () -> {
            try (IoListener a = f().listen();
                    IoListener b = f().listen()) {
                assertNotEquals(a.localUri(), b.localUri(), "two live listeners report one address");
                try (Background<IoChannel> acceptor = Background.start("qio-kit-accept", b::accept)) {
                    try (IoChannel client = f().connect(b);
                            IoChannel server = acceptor.result()) {
                        exchange(client, server, "a client of the second listener");
                    }
                }
                a.setBlocking(false);
                assertNull(a.accept(), "the first listener got the second listener's client");
            }
        });
    }

    // ---- accept ---------------------------------------------------------------------------------

    /**
     * A blocking accept waits for a client and returns its server end, blocking, carrying bytes
     * both ways; on a platform and on a virtual thread.
     */
    @TestFactory
    Stream<DynamicTest> required_accept_blocking() {
        return bothThreads("required_accept_blocking", virtual -> {
            try (IoListener l = f().listen();
                    Background<IoChannel> acceptor = start(virtual, "qio-kit-accept", l::accept)) {
                awaitBlockedInAccept(acceptor, l);
                try (IoChannel client = f().connect(l);
                        IoChannel server = acceptor.result()) {
                    assertTrue(server.isBlocking(), "accepted ends start blocking");
                    exchange(client, server, "a blocking accept");
                }
            }
        });
    }

    /**
     * A non-blocking accept returns null while nothing is pending, the client once it is (the
     * accepted end blocking, whatever the listener's mode), and null again after it.
     */
    @TestFactory
    Stream<DynamicTest> required_accept_non_blocking() {
        return once("required_accept_non_blocking", () -> {
            try (IoListener l = f().listen()) {
                l.setBlocking(false);
                assertFalse(l.isBlocking(), "isBlocking() after setBlocking(false)");
                assertNull(
                        Background.within("qio-kit-accept", Kit.PROMPT, "a non-blocking accept", l::accept),
                        "a non-blocking accept with nothing pending");
                assertNull(l.accept(), "still nothing pending");
                try (Background<IoChannel> connector = Background.start("qio-kit-connect", () -> f().connect(l))) {
                    try (IoChannel server = acceptWhenPending(l);
                            IoChannel client = connector.result()) {
                        assertTrue(server.isBlocking(), "accepted ends start blocking, whatever the listener's mode");
                        exchange(client, server, "a non-blocking accept");
                        assertNull(l.accept(), "one client, one accept");
                    }
                }
            }
        });
    }

    // ---- close ----------------------------------------------------------------------------------

    /**
     * Close wakes a blocked accept with ClosedChannelException, promptly, on a platform and a
     * virtual thread; then accept and setBlocking throw it, and close again does nothing.
     */
    @TestFactory
    Stream<DynamicTest> required_close_wakes_accept() {
        return bothThreads("required_close_wakes_accept", virtual -> {
            IoListener l = f().listen();
            try (Background<IoChannel> acceptor = start(virtual, "qio-kit-accept", l::accept)) {
                awaitBlockedInAccept(acceptor, l);
                l.close();
                acceptor.awaitEnd(Kit.PROMPT, "close() waking a blocked accept");
                assertInstanceOf(ClosedChannelException.class, acceptor.failure(), "what the woken accept threw");
            } finally {
                l.close();
            }
            assertFalse(l.isOpen(), "isOpen() after close");
            l.close();
            assertThrows(ClosedChannelException.class, l::accept, "accept after close");
            assertThrows(ClosedChannelException.class, () -> l.setBlocking(false), "setBlocking after close");
        });
    }

    /** A closed non-blocking listener's accept throws ClosedChannelException; it does not return null. */
    @TestFactory
    Stream<DynamicTest> required_close_refuses_non_blocking_accept() {
        return once("required_close_refuses_non_blocking_accept", () -> {
            IoListener l = f().listen();
            l.setBlocking(false);
            l.close();
            assertThrows(ClosedChannelException.class, l::accept, "a non-blocking accept after close");
        });
    }

    /**
     * After close the address refuses clients and the socket file is gone. If this fails, check
     * that close unbinds (unlinks the path, frees the name) rather than only stopping accepts.
     */
    @TestFactory
    Stream<DynamicTest> required_close_releases_the_address() {
        return once("required_close_releases_the_address", () -> {
            IoListener l = f().listen();
            Optional<Path> file = f().socketFile(l);
            l.close();
            file.ifPresent(p -> assertFalse(Files.exists(p), "close left the socket file " + p));
            Background<IoChannel> connector = Background.start("qio-kit-connect", () -> f().connect(l));
            try (connector) {
                connector.awaitEnd(Kit.PROMPT, "a connect to a closed listener's address failing");
                assertInstanceOf(
                        IOException.class, connector.failure(), "a connect to " + l.localUri() + " after close");
            }
        });
    }

    /**
     * A client the listener never accepted ends when the listener closes: its open fails, or its
     * stream ends (EOF or an exception) within the liveness bound. Never a hang.
     */
    @TestFactory
    Stream<DynamicTest> required_close_ends_pending_clients() {
        return once("required_close_ends_pending_clients", () -> {
            IoListener l = f().listen();
            // On a virtual thread, so "waiting" is one state: parked. A plain transport's client is
            // queued once its open returns; a handshaking layer's open parks until an accept that
            // never comes, so that client is closed mid-handshake.
            Background<IoChannel> connector = Background.startVirtual("qio-kit-connect", () -> f().connect(l));
            try {
                Thread t = connector.thread();
                while (t.isAlive()
                        && t.getState() != Thread.State.WAITING
                        && t.getState() != Thread.State.TIMED_WAITING) {
                    Thread.onSpinWait();
                }
            } finally {
                l.close();
            }
            connector.awaitEnd(Kit.PROMPT, "a pending client's open ending after the listener closed");
            IoChannel client;
            try {
                client = connector.result();
            } catch (IOException refused) {
                return;
            }
            try (client;
                    connector) {
                Background<Integer> reader =
                        Background.start("qio-kit-read", () -> client.read(ByteBuffer.allocate(1)));
                reader.awaitEnd(Kit.PROMPT, "a never-accepted client's read ending after the listener closed");
                try {
                    assertEquals(IoChannel.EOF, reader.result(), "a never-accepted client read data");
                } catch (IOException reset) {
                    // a reset: also an end
                }
            }
        });
    }

    /** Accepted channels stay open and working after the listener closes. */
    @TestFactory
    Stream<DynamicTest> required_accepted_outlive_the_listener() {
        return once("required_accepted_outlive_the_listener", () -> {
            IoListener l = f().listen();
            try (Background<IoChannel> acceptor = Background.start("qio-kit-accept", l::accept);
                    IoChannel client = f().connect(l);
                    IoChannel server = acceptor.result()) {
                l.close();
                assertTrue(server.isOpen(), "closing the listener closed an accepted channel");
                exchange(client, server, "after the listener closed");
            } finally {
                l.close();
            }
        });
    }

    // ---- onAccept -------------------------------------------------------------------------------

    /**
     * onAccept hands every client over, on the loop; closing the watch ends it, and closing the
     * listener ends another one.
     */
    @TestFactory
    Stream<DynamicTest> required_on_accept() {
        return once("required_on_accept", () -> {
            LinkedBlockingQueue<IoChannel> accepted = new LinkedBlockingQueue<>();
            LinkedBlockingQueue<Boolean> onLoop = new LinkedBlockingQueue<>();
            List<IoChannel> clients = new ArrayList<>();
            try (EventLoop loop = EventLoop.create("qio-kit-on-accept");
                    IoListener l = f().listen()) {
                Watch watch = l.onAccept(
                        ch -> {
                            onLoop.add(loop.inEventLoop());
                            accepted.add(ch);
                        },
                        loop);
                assertTrue(watch.isActive(), "a new onAccept watch is inactive");
                for (int i = 0; i < 3; i++) {
                    IoChannel client = f().connect(l);
                    clients.add(client);
                    client.writeAll(ByteBuffer.wrap(new byte[] {(byte) i}));
                }
                Set<Integer> got = new TreeSet<>();
                for (int i = 0; i < 3; i++) {
                    try (IoChannel server = accepted.poll(Kit.PROMPT.toMillis(), TimeUnit.MILLISECONDS)) {
                        assertNotNull(
                                server,
                                "client " + i + " of 3 was not handed over within " + Kit.PROMPT + "; got " + got);
                        ByteBuffer b = ByteBuffer.allocate(1);
                        server.readAll(b);
                        got.add((int) b.get(0));
                        assertEquals(Boolean.TRUE, onLoop.take(), "the handler ran off the loop");
                    }
                }
                assertEquals(Set.of(0, 1, 2), got, "the clients handed over");
                watch.close();
                assertFalse(watch.isActive(), "a closed onAccept watch is active");
                Watch second = l.onAccept(ListenerContract::closeQuietly, loop);
                l.close();
                assertFalse(second.isActive(), "closing the listener left its onAccept watch active");
            } finally {
                for (IoChannel c : clients) {
                    c.close();
                }
            }
        });
    }

    private static void closeQuietly(IoChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // a stray client: nothing to report, the check is on the watch
        }
    }

    // ---- leaks ----------------------------------------------------------------------------------

    private void cycle() throws Exception {
        IoListener l = f().listen();
        try (Background<IoChannel> acceptor = Background.start("qio-kit-accept", l::accept);
                IoChannel client = f().connect(l);
                IoChannel server = acceptor.result()) {
            exchange(client, server, "a leak cycle");
            acceptor.join();
        } finally {
            l.close();
        }
    }

    /** A layer's close ({@code tls+}, {@code ws+}) leaves its inner channel lingering for the peer's end. */
    private static void awaitLingers() throws InterruptedException {
        assertTrue(
                LingeringClose.awaitAll(Duration.ofSeconds(30)),
                "lingering closes (dev.qio.channel.spi.LingeringClose) did not end within 30 s");
    }

    private static Set<Thread> liveThreads() {
        return new HashSet<>(Thread.getAllStackTraces().keySet());
    }

    /**
     * Fifty listen, connect, accept, close cycles leave the descriptors and threads there were
     * (give or take a few others may open meanwhile).
     */
    @TestFactory
    Stream<DynamicTest> required_no_leak() {
        return once("required_no_leak", () -> {
            cycle(); // loads classes, starts pollers and shared loops
            cycle();
            awaitLingers();
            int fdsBefore = TestIo.openDescriptors().size();
            Set<Thread> threadsBefore = liveThreads();
            for (int i = 0; i < CYCLES; i++) {
                cycle();
            }
            cycle(); // a shared poller lets go of closed descriptors at its next wake-up
            awaitLingers();
            int fdsAfter = TestIo.openDescriptors().size();
            assertTrue(
                    fdsAfter <= fdsBefore + SLACK,
                    "descriptors before: " + fdsBefore + ", after " + CYCLES + " listen/accept/close cycles: "
                            + fdsAfter);
            Set<Thread> threadsAfter = liveThreads();
            threadsAfter.removeAll(threadsBefore);
            threadsAfter.removeIf(t -> !t.isAlive());
            assertEquals(
                    Set.of(),
                    Set.copyOf(threadsAfter.stream().map(Thread::getName).toList()),
                    "threads started by the cycles are still alive");
        });
    }
}

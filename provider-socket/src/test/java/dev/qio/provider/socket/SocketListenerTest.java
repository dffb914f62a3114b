package dev.qio.provider.socket;

import static dev.qio.testkit.TestIo.ascii;
import static dev.qio.testkit.TestIo.readAscii;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qio.channel.EventLoop;
import dev.qio.channel.Feature;
import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.IoCondition;
import dev.qio.channel.IoListener;
import dev.qio.channel.Watch;
import dev.qio.channel.spi.AbstractIoListener;
import dev.qio.testkit.Background;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Listeners over tcp4, tcp6 and unix: blocking and non-blocking accept, onAccept, close. */
@Timeout(30)
class SocketListenerTest {

    @ParameterizedTest
    @ValueSource(strings = {"tcp4", "tcp6", "unix"})
    void listenerFeaturesAreListenOnly(String transport) throws IOException {
        try (IoListener listener = IoChannels.listen(TestSupport.listenUri(transport))) {
            assertEquals(Set.of(Feature.LISTEN), listener.features());
            assertTrue(listener.isBlocking(), "a new listener is blocking");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp4", "tcp6", "unix"})
    void nonBlockingAcceptReturnsNullWhenNothingIsPending(String transport) throws Exception {
        try (IoListener listener = IoChannels.listen(TestSupport.listenUri(transport))) {
            listener.setBlocking(false);
            assertFalse(listener.isBlocking());
            assertNull(listener.accept());
            assertNull(listener.accept(), "still nothing pending");
            try (IoChannel client = IoChannels.open(listener.localUri())) {
                IoChannel server = acceptWhenQueued(listener);
                try (server) {
                    assertTrue(server.isBlocking(), "accepted ends start blocking, whatever the listener's mode");
                    client.writeAll(ascii("nb"));
                    assertEquals("nb", readAscii(server, 2));
                }
                assertNull(listener.accept(), "one connect, one accept");
            }
        }
    }

    /**
     * Retries a non-blocking accept until the client that already connected is queued: on some
     * kernels (gVisor's netstack) the server side completes the handshake a moment after the
     * client's connect returns. Spins on an event, not a time; the test's timeout bounds it.
     */
    private static IoChannel acceptWhenQueued(IoListener listener) throws IOException {
        IoChannel ch;
        while ((ch = listener.accept()) == null) {
            Thread.onSpinWait();
        }
        return ch;
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp4", "tcp6", "unix"})
    void blockedAcceptTakesALaterClient(String transport) throws Exception {
        try (IoListener listener = IoChannels.listen(TestSupport.listenUri(transport))) {
            var acceptor = Background.start("acceptor", listener::accept);
            acceptor.awaitBlockedIn(AbstractIoListener.class);
            try (IoChannel client = IoChannels.open(listener.localUri()); IoChannel server = acceptor.result()) {
                client.writeAll(ascii("hi"));
                assertEquals("hi", readAscii(server, 2));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp4", "unix"})
    void blockedAcceptIsWokenByClose(String transport) throws Exception {
        IoListener listener = IoChannels.listen(TestSupport.listenUri(transport));
        var acceptor = Background.start("acceptor", listener::accept);
        acceptor.awaitBlockedIn(AbstractIoListener.class);
        listener.close();
        assertInstanceOf(ClosedChannelException.class, acceptor.failure());
        assertThrows(ClosedChannelException.class, listener::accept);
        assertThrows(ClosedChannelException.class, () -> listener.setBlocking(false));
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp4", "tcp6", "unix"})
    void onAcceptHandsClientsOverOnTheLoop(String transport) throws Exception {
        LinkedBlockingQueue<IoChannel> accepted = new LinkedBlockingQueue<>();
        List<Boolean> onLoop = new ArrayList<>();
        List<IoChannel> clients = new ArrayList<>();
        try (EventLoop loop = EventLoop.create("socket-accept-test");
                IoListener listener = IoChannels.listen(TestSupport.listenUri(transport))) {
            Watch watch = listener.onAccept(ch -> {
                onLoop.add(loop.inEventLoop()); // only the loop thread touches this list until the polls below
                accepted.add(ch);
            }, loop);
            for (int i = 0; i < 3; i++) {
                IoChannel client = IoChannels.open(listener.localUri());
                clients.add(client);
                client.writeAll(ByteBuffer.wrap(new byte[] {(byte) i}));
            }
            for (int i = 0; i < 3; i++) {
                try (IoChannel server = accepted.poll(20, TimeUnit.SECONDS)) {
                    assertNotNull(server, "client " + i + " was not handed over");
                    ByteBuffer b = ByteBuffer.allocate(1);
                    server.readAll(b);
                    assertEquals(i, b.get(0), "clients are handed over in the order they connected");
                }
            }
            assertEquals(List.of(true, true, true), onLoop);
            watch.close();
            assertFalse(watch.isActive());
        } finally {
            for (IoChannel c : clients) {
                c.close();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp4", "unix"})
    void closingTheListenerEndsOnAccept(String transport) throws Exception {
        try (EventLoop loop = EventLoop.create("socket-accept-close")) {
            IoListener listener = IoChannels.listen(TestSupport.listenUri(transport));
            Watch watch = listener.onAccept(ch -> {
                try {
                    ch.close(); // nobody connects; a stray client would be closed
                } catch (IOException ignored) {
                    // nothing to report: the test asserts on the watch
                }
            }, loop);
            assertTrue(watch.isActive());
            listener.close();
            assertFalse(watch.isActive(), "closing the listener ends its onAccept watches");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp4", "unix"})
    void watchOnAcceptedEndSeesData(String transport) throws Exception {
        try (EventLoop loop = EventLoop.create("socket-watch");
                TestSupport.Connected c = TestSupport.Connected.over(transport)) {
            LinkedBlockingQueue<Set<IoCondition>> fired = new LinkedBlockingQueue<>();
            c.server().addWatch(Set.of(IoCondition.IN), (ch, ready) -> {
                fired.add(ready);
                return false;
            }, loop);
            c.client().writeAll(ascii("w"));
            Set<IoCondition> ready = fired.poll(20, TimeUnit.SECONDS);
            assertNotNull(ready, "the IN watch did not fire after data arrived");
            assertTrue(ready.contains(IoCondition.IN), ready.toString());
            assertEquals("w", readAscii(c.server(), 1));
        }
    }
}

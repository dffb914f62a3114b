package dev.qio.provider.socket;

import static dev.qio.testkit.TestIo.ascii;
import static dev.qio.testkit.TestIo.readAscii;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qio.channel.EventLoop;
import dev.qio.channel.Feature;
import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.IoCondition;
import dev.qio.channel.IoListener;
import dev.qio.channel.Watch;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Listeners over tcp4, tcp6 and unix, what the kit's {@link dev.qio.testkit.ListenerContract} leaves to
 * the transport: the exact feature set, onAccept handing clients over in the order they connected,
 * and watches on accepted ends.
 */
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
    void onAcceptHandsClientsOverOnTheLoop(String transport) throws Exception {
        LinkedBlockingQueue<IoChannel> accepted = new LinkedBlockingQueue<>();
        List<Boolean> onLoop = new ArrayList<>();
        List<IoChannel> clients = new ArrayList<>();
        try (EventLoop loop = EventLoop.create("socket-accept-test");
                IoListener listener = IoChannels.listen(TestSupport.listenUri(transport))) {
            Watch watch = listener.onAccept(
                    ch -> {
                        onLoop.add(loop.inEventLoop()); // only the loop thread touches this list until the polls below
                        accepted.add(ch);
                    },
                    loop);
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
    void watchOnAcceptedEndSeesData(String transport) throws Exception {
        try (EventLoop loop = EventLoop.create("socket-watch");
                TestSupport.Connected c = TestSupport.Connected.over(transport)) {
            LinkedBlockingQueue<Set<IoCondition>> fired = new LinkedBlockingQueue<>();
            c.server()
                    .addWatch(
                            Set.of(IoCondition.IN),
                            (ch, ready) -> {
                                fired.add(ready);
                                return false;
                            },
                            loop);
            c.client().writeAll(ascii("w"));
            Set<IoCondition> ready = fired.poll(20, TimeUnit.SECONDS);
            assertNotNull(ready, "the IN watch did not fire after data arrived");
            assertTrue(ready.contains(IoCondition.IN), ready.toString());
            assertEquals("w", readAscii(c.server(), 1));
        }
    }
}

package dev.qio.provider.memory;

import static dev.qio.provider.memory.TestSupport.uniqueName;
import static dev.qio.testkit.TestIo.ascii;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qio.channel.EventLoop;
import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.IoListener;
import dev.qio.channel.Watch;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code mem://} names: binding, connecting, accepting and closing. */
@Timeout(30)
class MemListenerTest {

    @Test
    void openWithoutListenerIsRefusedNamingTheAddress() {
        String name = uniqueName("nobody");
        IOException e = assertThrows(IOException.class, () -> IoChannels.open("mem://" + name));
        assertTrue(e.getMessage().contains("Connection refused"), e.getMessage());
        assertTrue(e.getMessage().contains("mem://" + name), e.getMessage());
    }

    @Test
    void secondListenOnALiveNameIsAddressInUse() throws IOException {
        String name = uniqueName("taken");
        try (IoListener first = IoChannels.listen("mem://" + name)) {
            IOException e = assertThrows(IOException.class, () -> IoChannels.listen("mem://" + name));
            assertTrue(e.getMessage().contains("address in use"), e.getMessage());
            assertTrue(e.getMessage().contains("mem://" + name), e.getMessage());
            assertTrue(first.isOpen(), "the failed listen must not disturb the first listener");
            try (IoChannel _ = IoChannels.open("mem://" + name)) {
                assertNotNull(first.accept());
            }
        }
    }

    @Test
    void identity() throws IOException {
        String name = uniqueName("id");
        try (IoListener listener = IoChannels.listen("mem://" + name + "?capacity=1k");
                IoChannel client = IoChannels.open("mem://" + name);
                IoChannel server = listener.accept()) {
            assertEquals(URI.create("mem://" + name), listener.localUri());
            assertEquals("mem://" + name, listener.name());
            assertEquals("mem://" + name, client.name());
            assertEquals("mem://" + name + "#server-1", server.name());
            assertTrue(server.isBlocking(), "accepted ends start blocking");
        }
    }

    @Test
    void closeFreesTheNameAndClosesNeverAcceptedEnds() throws IOException {
        String name = uniqueName("free");
        IoListener listener = IoChannels.listen("mem://" + name);
        try (IoChannel orphanClient = IoChannels.open("mem://" + name)) {
            listener.close();
            listener.close(); // idempotent
            // The server end was closed: its writer side ended (EOF here) and its reader side too.
            assertEquals(IoChannel.EOF, orphanClient.read(ByteBuffer.allocate(4)));
            IOException e = assertThrows(IOException.class, () -> orphanClient.write(ascii("x")));
            assertTrue(e.getMessage().contains("Broken pipe"), e.getMessage());
            assertThrows(IOException.class, () -> IoChannels.open("mem://" + name));
            try (IoListener again = IoChannels.listen("mem://" + name);
                    IoChannel _ = IoChannels.open("mem://" + name)) {
                assertNotNull(again.accept());
            }
        }
    }

    @Test
    void onAcceptHandsClientsOverOnTheLoop() throws Exception {
        String name = uniqueName("loop");
        LinkedBlockingQueue<IoChannel> accepted = new LinkedBlockingQueue<>();
        List<Boolean> onLoop = new ArrayList<>();
        List<IoChannel> clients = new ArrayList<>();
        try (EventLoop loop = EventLoop.create("mem-accept-test");
                IoListener listener = IoChannels.listen("mem://" + name)) {
            Watch watch = listener.onAccept(
                    ch -> {
                        onLoop.add(
                                loop.inEventLoop()); // only the loop thread touches this list until the take()s below
                        accepted.add(ch);
                    },
                    loop);
            for (int i = 0; i < 3; i++) {
                IoChannel client = IoChannels.open("mem://" + name);
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
}

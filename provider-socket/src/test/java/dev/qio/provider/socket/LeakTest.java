package dev.qio.provider.socket;

import static dev.qio.testkit.TestIo.ascii;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.IoListener;
import dev.qio.testkit.Background;
import dev.qio.testkit.TestIo;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Closing releases every descriptor and starts no thread: 200 tcp pairs opened, used (so each end
 * is registered for readiness: the reader, a platform thread, waits on a selector of the channel's
 * own, which close must release too) and closed leave the process with the descriptors and
 * threads it had, give or take the few that other code may open meanwhile.
 */
@Timeout(60)
class LeakTest {
    private static final int PAIRS = 200;
    /** Descriptors other code in the JVM may open meanwhile (class loading, the test runner). */
    private static final int SLACK = 5;

    /** One pair: each end waits for data once, which registers it for readiness, then both close. */
    private static void openUseClose(IoListener listener, int i) throws Exception {
        try (IoChannel client = IoChannels.open(listener.localUri());
                IoChannel server = listener.accept()) {
            var reader = Background.start("leak-reader", () -> TestIo.readAscii(server, 1));
            reader.awaitBlockedIn(dev.qio.channel.spi.AbstractIoChannel.class);
            client.writeAll(ascii(Integer.toString(i % 10)));
            assertEquals(Integer.toString(i % 10), reader.result());
            reader.join(); // ended, so the thread count below sees only what the channels started
            server.writeAll(ascii("k"));
            assertEquals("k", TestIo.readAscii(client, 1));
        }
    }

    /**
     * A closed channel's descriptor is released when every selector it is registered with lets go
     * of it: its own selectors at close, the shared poller at its next select. Two more round
     * trips after the last close give the poller that select, so the count is not taken too early.
     */
    private static void pollerBarrier(IoListener listener) throws Exception {
        openUseClose(listener, 0);
        openUseClose(listener, 1); // the second round trip starts after the first pair's close
    }

    private static Set<Thread> liveThreads() {
        return new HashSet<>(Thread.getAllStackTraces().keySet());
    }

    @Test
    void twoHundredPairsLeaveNoDescriptorOrThreadBehind() throws Exception {
        try (IoListener listener = IoChannels.listen("tcp://127.0.0.1:0")) {
            pollerBarrier(listener); // load every class and start the poller first
            int fdsBefore = TestIo.openDescriptors().size();
            Set<Thread> threadsBefore = liveThreads();
            for (int i = 0; i < PAIRS; i++) {
                openUseClose(listener, i);
            }
            pollerBarrier(listener);
            int fdsAfter = TestIo.openDescriptors().size();
            assertTrue(
                    fdsAfter <= fdsBefore + SLACK,
                    "descriptors before: " + fdsBefore + ", after " + PAIRS + " pairs opened and closed: " + fdsAfter);
            Set<Thread> threadsAfter = liveThreads();
            threadsAfter.removeAll(threadsBefore);
            assertEquals(
                    Set.of(),
                    Set.copyOf(threadsAfter.stream().map(Thread::getName).toList()),
                    "threads started by the pairs are still alive");
        }
    }

    @Test
    void failedOpensAndListensLeaveNoDescriptorBehind() throws IOException {
        int port;
        try (IoListener l = IoChannels.listen("tcp://127.0.0.1:0")) {
            port = l.localUri().getPort();
        }
        String refused = "tcp://127.0.0.1:" + port;
        assertThrows(IOException.class, () -> IoChannels.open(refused)); // warm up: load the classes
        int before = TestIo.openDescriptors().size();
        String missing = TestSupport.unixUri(TestSupport.freshSocketPath());
        try (IoListener taken = IoChannels.listen("tcp://127.0.0.1:0")) {
            for (int i = 0; i < PAIRS; i++) {
                assertThrows(IOException.class, () -> IoChannels.open(refused));
                assertThrows(IOException.class, () -> IoChannels.listen(taken.localUri()));
                assertThrows(IllegalArgumentException.class, () -> IoChannels.open(refused + "?bogus=1"));
                assertThrows(IOException.class, () -> IoChannels.open(missing));
            }
            int after = TestIo.openDescriptors().size();
            assertTrue(
                    after <= before + 1 + SLACK,
                    "descriptors before: " + before + ", after " + 4 * PAIRS + " failed opens and listens: " + after
                            + " (one is the listener)");
        }
    }

    @Test
    void listenerCloseReleasesItsDescriptor() throws Exception {
        try (IoListener warm = IoChannels.listen("tcp://127.0.0.1:0")) {
            pollerBarrier(warm);
        }
        int before = TestIo.openDescriptors().size();
        for (int i = 0; i < PAIRS; i++) {
            IoListener l = IoChannels.listen(
                    i % 2 == 0 ? "tcp://127.0.0.1:0" : TestSupport.unixUri(TestSupport.freshSocketPath()));
            l.setBlocking(false);
            l.accept(); // null; registers nothing yet
            l.close();
        }
        try (IoListener barrier = IoChannels.listen("tcp://127.0.0.1:0")) {
            pollerBarrier(barrier);
            int after = TestIo.openDescriptors().size();
            assertTrue(
                    after <= before + 1 + SLACK,
                    "descriptors before: " + before + ", after " + PAIRS + " listeners opened and closed: " + after
                            + " (one is the barrier's listener)");
        }
    }

    /**
     * Ten thousand tcp and unix pairs, each opened, used once in both directions and closed,
     * leave no descriptor, no thread and no socket file behind (the bar for the native
     * backend; the class-path run checks the java.nio one the same way).
     */
    @Test
    void tenThousandOpenCloseCyclesLeaveNothingBehind() throws Exception {
        java.nio.file.Path unixPath = TestSupport.freshSocketPath();
        try (IoListener tcp = IoChannels.listen("tcp://127.0.0.1:0");
                IoListener unix = IoChannels.listen(TestSupport.unixUri(unixPath))) {
            pollerBarrier(tcp);
            int fdsBefore = TestIo.openDescriptors().size();
            Set<Thread> threadsBefore = liveThreads();
            java.nio.ByteBuffer one = java.nio.ByteBuffer.allocate(1);
            for (int i = 0; i < 10_000; i++) {
                IoListener l = i % 2 == 0 ? tcp : unix;
                try (IoChannel client = IoChannels.open(l.localUri());
                        IoChannel server = l.accept()) {
                    client.writeAll(ascii("c"));
                    server.readAll(one.clear());
                    server.writeAll(one.flip());
                    client.readAll(one.clear());
                }
            }
            pollerBarrier(tcp);
            int fdsAfter = TestIo.openDescriptors().size();
            assertTrue(
                    fdsAfter <= fdsBefore + SLACK,
                    "descriptors before: " + fdsBefore + ", after 10,000 pairs: " + fdsAfter);
            Set<Thread> threadsAfter = liveThreads();
            threadsAfter.removeAll(threadsBefore);
            assertEquals(
                    Set.of(),
                    Set.copyOf(threadsAfter.stream().map(Thread::getName).toList()),
                    "threads started by the pairs are still alive");
        }
        assertTrue(!java.nio.file.Files.exists(unixPath), "the listener removed its socket file: " + unixPath);
    }
}

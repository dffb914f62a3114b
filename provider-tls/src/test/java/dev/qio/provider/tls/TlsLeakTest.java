package dev.qio.provider.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.IoListener;
import dev.qio.channel.spi.LingeringClose;
import dev.qio.testkit.Background;
import dev.qio.testkit.TestIo;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Sessions opened, used and closed, and handshakes that fail, leave no descriptor and no thread
 * behind: the layer closes its inner channel on every path (at once, or once its linger ends).
 */
@Timeout(120)
class TlsLeakTest {
    private static final int PAIRS = 100;
    /** Descriptors other code in the JVM may open meanwhile (class loading, the test runner). */
    private static final int SLACK = 5;

    /** Platform threads only (the JDK does not list virtual ones), which is where a leaked pump or loop would be. */
    private static Set<String> liveThreadNames() {
        Set<String> names = new HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            names.add(t.getName() + "#" + t.threadId());
        }
        return names;
    }

    private static void session(IoListener listener, String clientQuery, int i) throws Exception {
        try (Background<IoChannel> accepted = TlsTestSupport.accept(listener);
                IoChannel client = IoChannels.open(listener.localUri() + "?" + clientQuery);
                IoChannel server = accepted.result()) {
            client.writeAll(TestIo.ascii(i + "\n"));
            assertEquals(i + "\n", TestIo.readLine(server));
            server.writeAll(TestIo.ascii("ok\n"));
            assertEquals("ok\n", TestIo.readLine(client));
        }
    }

    /**
     * Round trips on fresh pairs until the shared poller has seen every earlier close, then waits
     * for the inner channels that {@code close()} left lingering for their peers.
     */
    private static void settle(IoListener listener, String clientQuery) throws Exception {
        session(listener, clientQuery, -1);
        session(listener, clientQuery, -2);
        assertTrue(LingeringClose.awaitAll(Duration.ofSeconds(30)), "lingering closes did not end");
    }

    @Test
    void aHundredSessionsLeaveNoDescriptorOrThreadBehind() throws Exception {
        String creds = TlsFixtures.credsQuery();
        try (IoListener listener = IoChannels.listen("tls+tcp://127.0.0.1:0?" + creds)) {
            settle(listener, creds);
            int before = TestIo.openDescriptors().size();
            Set<String> threadsBefore = liveThreadNames();
            for (int i = 0; i < PAIRS; i++) {
                session(listener, creds, i);
            }
            settle(listener, creds);
            int after = TestIo.openDescriptors().size();
            assertTrue(
                    after <= before + SLACK,
                    "descriptors before: " + before + ", after " + PAIRS + " sessions: " + after);
            Set<String> threadsAfter = liveThreadNames();
            threadsAfter.removeAll(threadsBefore);
            assertEquals(Set.of(), threadsAfter, "threads started by the sessions are still alive");
        }
    }

    @Test
    void failedHandshakesLeaveNoDescriptorBehind() throws Exception {
        String creds = TlsFixtures.credsQuery();
        try (IoListener listener = IoChannels.listen("tls+tcp://127.0.0.1:0?" + creds)) {
            settle(listener, creds);
            int before = TestIo.openDescriptors().size();
            for (int i = 0; i < PAIRS; i++) {
                try (Background<IoChannel> accepted = TlsTestSupport.accept(listener)) {
                    // the certificate names localhost and 127.0.0.1, not this name
                    assertThrows(
                            javax.net.ssl.SSLHandshakeException.class,
                            () -> IoChannels.open(listener.localUri() + "?" + creds + "&hostname=wrong.example"));
                    assertThrows(Exception.class, accepted::result);
                }
            }
            settle(listener, creds);
            int after = TestIo.openDescriptors().size();
            assertTrue(
                    after <= before + SLACK,
                    "descriptors before: " + before + ", after " + PAIRS + " failed handshakes: " + after);
        }
    }
}

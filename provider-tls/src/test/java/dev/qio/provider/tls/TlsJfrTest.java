package dev.qio.provider.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qio.testkit.ChannelPair;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingStream;
import org.junit.jupiter.api.Test;

/**
 * {@code dev.qio.TlsHandshake}: one event per end of a {@code tls+mem://} connection, with the
 * negotiated protocol and cipher suite, the peer's certificate subject (both ends authenticate) and
 * {@code resumed} false for a first connection. {@code RecordingStream.stop()} delivers every event
 * recorded before it, so nothing waits.
 */
class TlsJfrTest {
    @Test
    void bothEndsRecordTheirHandshake() throws Exception {
        List<RecordedEvent> seen = new CopyOnWriteArrayList<>();
        try (RecordingStream rs = new RecordingStream()) {
            rs.enable("dev.qio.TlsHandshake");
            rs.onEvent("dev.qio.TlsHandshake", seen::add);
            rs.startAsync();
            try (ChannelPair pair = TlsFixtures.mem().open()) {
                pair.writer().writeAll(ByteBuffer.wrap(new byte[] {1}));
                pair.reader().readAll(ByteBuffer.allocate(1));
            }
            rs.stop();
        }
        assertEquals(2, seen.size(), "one handshake per end: " + seen);
        assertEquals(1, seen.stream().filter(e -> e.getBoolean("client")).count(), "one client, one server");
        for (RecordedEvent e : seen) {
            assertTrue(e.getString("channel").startsWith("tls+mem://"), e.getString("channel"));
            assertTrue(e.getString("protocol").startsWith("TLSv1."), e.getString("protocol"));
            assertTrue(e.getString("cipherSuite").startsWith("TLS_"), e.getString("cipherSuite"));
            assertTrue(e.getString("peer").contains("CN="), "peer subject: " + e.getString("peer"));
            assertFalse(e.getBoolean("resumed"));
            assertEquals("", e.getString("failure"));
        }
    }
}

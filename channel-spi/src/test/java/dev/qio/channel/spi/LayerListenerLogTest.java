package dev.qio.channel.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qio.channel.spi.AbstractIoListenerTest.ScriptedListener;
import dev.qio.channel.spi.LayerListenerTest.TestLayer;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A client that a non-blocking accept drops is reported to {@code System.Logger}: nobody waits to
 * be told, so the warning is the only trace. The JDK's default {@code LoggerFinder} hands
 * {@code System.Logger} to {@code java.util.logging} when that module is present, so a handler on
 * the listener's logger sees the record.
 */
@Timeout(60)
class LayerListenerLogTest {
    /** Keeps every record; held with its logger so neither is collected during the test. */
    static final class Capture extends Handler {
        final List<LogRecord> records = new CopyOnWriteArrayList<>();

        @Override
        public void publish(LogRecord r) {
            records.add(r);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    }

    private final Logger logger = Logger.getLogger(LayerListener.class.getName());
    private final Capture capture = new Capture();
    private final ScriptedListener inner = new ScriptedListener();
    private final TestLayer layer = new TestLayer(inner);

    @AfterEach
    void tearDown() throws IOException {
        logger.removeHandler(capture);
        logger.setUseParentHandlers(true);
        layer.close();
    }

    @Test
    void aClientDroppedByANonBlockingAcceptIsAWarningNamingIt() throws IOException {
        logger.addHandler(capture);
        logger.setUseParentHandlers(false); // the expected warnings stay out of the test output
        layer.setBlocking(false);
        layer.failHandshake.add("shake");
        inner.arrive(new ScriptedChannel("shake"));

        assertNull(layer.accept()); // the handshake failed at once: the client is dropped, not returned

        assertEquals(1, capture.records.size(), "one record per dropped client");
        LogRecord r = capture.records.getFirst();
        assertEquals(Level.WARNING, r.getLevel());
        assertTrue(
                r.getMessage().contains("test+shake") && r.getMessage().contains("handshake refused"),
                "names the client and why: " + r.getMessage());
    }
}

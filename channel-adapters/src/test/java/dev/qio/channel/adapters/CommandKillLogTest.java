package dev.qio.channel.adapters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qio.channel.IoChannels;
import dev.qio.provider.command.CommandChannel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The {@code command:} provider's warnings, checked here because this module's tests already read
 * it and {@code java.logging} on the module path. A child that close had to signal is reported to {@code System.Logger}: the caller sees only
 * the exit status, so the warnings say which child was signalled and why. The JDK's default
 * {@code LoggerFinder} hands {@code System.Logger} to {@code java.util.logging} when that module is
 * present, so a handler on the provider's logger sees the records.
 */
@Timeout(60)
class CommandKillLogTest {
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

    private final Logger logger = Logger.getLogger("dev.qio.provider.command");
    private final Capture capture = new Capture();

    @AfterEach
    void tearDown() {
        logger.removeHandler(capture);
        logger.setUseParentHandlers(true);
    }

    @Test
    void sigtermThenSigkillAtCloseAreWarningsNamingTheChild() throws IOException {
        // The shell ignores TERM and execs sleep, which inherits the ignored TERM.
        CommandChannel ch = (CommandChannel) IoChannels.open(
                "command:sh?arg=-c&arg=trap%20''%20TERM;%20echo%20ready;%20exec%20sleep%201000&mode=r&grace=100");
        ByteBuffer ready = ByteBuffer.allocate(6);
        ch.readAll(ready); // "ready\n": the trap is set
        assertEquals("ready\n", new String(ready.array(), StandardCharsets.US_ASCII));
        logger.addHandler(capture);
        logger.setUseParentHandlers(false); // the expected warnings stay out of the test output

        ch.close();

        assertEquals(OptionalInt.of(128 + 9), ch.exitStatus());
        assertEquals(2, capture.records.size(), "one warning per signal: " + capture.records);
        for (int i = 0; i < 2; i++) {
            LogRecord r = capture.records.get(i);
            assertEquals(Level.WARNING, r.getLevel());
            assertTrue(
                    r.getMessage().contains(Long.toString(ch.pid()))
                            && r.getMessage().contains("sleep 1000"),
                    "names the child by pid and argv: " + r.getMessage());
            assertTrue(r.getMessage().contains(i == 0 ? "SIGTERM" : "SIGKILL"), r.getMessage());
        }
    }

    @Test
    void aChildThatExitsWithinItsGraceIsNotReported() throws IOException {
        CommandChannel ch = (CommandChannel) IoChannels.open("command:cat");
        logger.addHandler(capture);
        logger.setUseParentHandlers(false); // the expected warnings stay out of the test output

        ch.close(); // stdin closes, cat exits

        assertEquals(OptionalInt.of(0), ch.exitStatus());
        assertTrue(capture.records.isEmpty(), "nothing to report: " + capture.records);
    }
}

package dev.qio.provider.command;

import static dev.qio.provider.command.TestSupport.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * close() waits for the child, reads its exit status, and throws {@link CommandExitException} for a
 * failure of the child's own; a status the channel caused (its signals, SIGPIPE after it stopped
 * reading) is recorded but not thrown.
 */
@Timeout(30)
class ExitStatusTest {

    private static CommandChannel open(String uri) throws IOException {
        return (CommandChannel) IoChannels.open(uri);
    }

    @Test
    void successIsStatusZeroAfterClose() throws Exception {
        CommandChannel ch = open("command:true?mode=r");
        assertEquals(0, ch.onExit().get(10, TimeUnit.SECONDS));
        ch.close();
        assertEquals(OptionalInt.of(0), ch.exitStatus());
        assertEquals(List.of("true"), ch.command());
    }

    @Test
    void aRunningChildHasNoStatusYet() throws IOException {
        try (CommandChannel ch = CommandChannels.spawn(List.of("cat"), CommandOptions.defaults())) {
            assertEquals(OptionalInt.empty(), ch.exitStatus());
            assertTrue(
                    TestSupport.children().stream().anyMatch(h -> h.pid() == ch.pid() && h.isAlive()),
                    "pid " + ch.pid() + " is a live child of this JVM");
        }
    }

    @Test
    void aChildThatFailsOnItsOwnIsReportedByClose() throws IOException {
        CommandChannel ch = open("command:false?mode=r");
        assertEquals(IoChannel.EOF, ch.read(ByteBuffer.allocate(8)));
        CommandExitException e = assertThrows(CommandExitException.class, ch::close);
        assertEquals(1, e.exitStatus());
        assertEquals(List.of("false"), e.command());
        assertContains(e.getMessage(), "command:false?mode=r", "'false'", "status 1");
        assertFalse(ch.isOpen(), "the channel is closed all the same");
        assertEquals(OptionalInt.of(1), ch.exitStatus());
        ch.close(); // a second close neither waits nor throws
        assertThrows(ClosedChannelException.class, () -> ch.read(ByteBuffer.allocate(1)));
    }

    @Test
    void anyNonZeroExitCodeIsReported() throws IOException {
        CommandChannel ch = CommandChannels.spawn(
                List.of("sh", "-c", "echo partial; exit 3"),
                CommandOptions.defaults().withMode(CommandOptions.Mode.R));
        assertEquals("partial\n", TestSupport.readString(ch));
        assertEquals(3, assertThrows(CommandExitException.class, ch::close).exitStatus());
    }

    @Test
    void aSignalTheChildGotElsewhereIsReported() throws IOException {
        CommandChannel ch = open("command:sh?arg=-c&arg=kill%20-KILL%20$$&mode=r");
        assertEquals(IoChannel.EOF, ch.read(ByteBuffer.allocate(8)));
        assertEquals(137, assertThrows(CommandExitException.class, ch::close).exitStatus());
    }

    @Test
    void sigpipeAfterTheChannelStoppedReadingIsNotAFailure() throws IOException {
        CommandChannel ch = open("command:yes?mode=r");
        TestSupport.expect(ch, "y\ny\n");
        ch.close(); // yes dies of SIGPIPE: the channel's doing, so no exception
        assertEquals(OptionalInt.of(Ending.SIGPIPE_STATUS), ch.exitStatus());
    }

    @Test
    void aChildThatIgnoresEofGetsSigtermAfterTheGracePeriod() throws IOException {
        CommandChannel ch = open("command:sleep?arg=1000&grace=100");
        long start = System.nanoTime();
        ch.close(); // stdin closed, sleep does not care: 100 ms, then SIGTERM
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertEquals(OptionalInt.of(128 + 15), ch.exitStatus());
        assertTrue(took.toMillis() >= 100, "closed after " + took + ", before the grace period");
    }

    @Test
    void aChildThatIgnoresSigtermGetsSigkill() throws IOException {
        // The shell ignores TERM and execs sleep, which inherits the ignored TERM.
        CommandChannel ch = open(
                "command:sh?arg=-c&arg=trap%20''%20TERM;%20echo%20ready;%20exec%20sleep%201000" + "&mode=r&grace=100");
        TestSupport.expect(ch, "ready\n"); // the trap is set
        long start = System.nanoTime();
        ch.close(); // 100 ms grace, SIGTERM (ignored), 100 ms, SIGKILL
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertEquals(OptionalInt.of(128 + 9), ch.exitStatus());
        assertTrue(took.toMillis() >= 200, "SIGKILL after " + took + ", before two grace periods");
        assertTrue(ProcessHandle.of(ch.pid()).map(h -> !h.isAlive()).orElse(true), "reaped");
    }

    @Test
    void anInterruptedCloseSkipsToSigkillAndKeepsTheInterrupt() throws IOException {
        CommandChannel ch = open("command:sleep?arg=1000&mode=r"); // default grace: 5 s
        Thread.currentThread().interrupt();
        try {
            ch.close();
            assertTrue(Thread.currentThread().isInterrupted(), "the interrupt status stays set");
        } finally {
            Thread.interrupted();
        }
        assertEquals(OptionalInt.of(128 + 9), ch.exitStatus());
    }

    @Test
    void closeLetsTheChildTakeWhatWasWrittenFirst() throws Exception {
        // wc counts only once its stdin closes, which close() does after the pump drained the ring.
        CommandChannel ch = CommandChannels.spawn(
                List.of("sh", "-c", "test \"$(wc -c)\" -eq 200000"),
                CommandOptions.defaults().withMode(CommandOptions.Mode.W));
        ch.setBlocking(false);
        ByteBuffer data = ByteBuffer.allocate(200_000);
        ch.writeAll(data);
        ch.close(); // throws if wc saw fewer bytes (test exits 1)
        assertEquals(OptionalInt.of(0), ch.exitStatus());
    }

    @Test
    void writingToAChildThatStoppedReadingIsABrokenPipe() throws IOException {
        try (CommandChannel ch = open("command:true")) { // exits without reading stdin
            ch.onExit().join();
            ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
            IOException e = assertThrows(IOException.class, () -> {
                while (true) { // the first writes may land in the ring before the pump fails
                    ch.writeAll(chunk.clear());
                }
            });
            assertContains(e.getMessage(), "command:true", "Broken pipe");
        }
    }
}

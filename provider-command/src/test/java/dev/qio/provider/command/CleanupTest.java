package dev.qio.provider.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * No child outlives its channel and none is left a zombie: close reaps it, a channel dropped without
 * close is cleaned up by its Cleaner, and many cycles leave no process and no pump thread behind.
 */
class CleanupTest {

    /** What a test keeps of a channel it dropped: enough to watch the child, nothing that holds the channel. */
    private record Dropped(long pid, CompletableFuture<Integer> exit) {}

    /**
     * Opens {@code uri}, reads {@code expect} from it, and drops the channel without closing it. A
     * method of its own, so no frame of the caller keeps the channel reachable.
     */
    private static Dropped openAndDrop(String uri, String expect) throws IOException {
        CommandChannel ch = (CommandChannel) IoChannels.open(uri);
        if (!expect.isEmpty()) {
            TestSupport.expect(ch, expect);
        }
        return new Dropped(ch.pid(), ch.onExit());
    }

    /**
     * Collects garbage until the child exits; each round waits for the exit itself, not for time.
     * After the conformance tests the JVM may hold thousands of pending references (their
     * auto arenas and direct buffers), which the reference handler works through before it reaches
     * the channel's: that can take seconds, so rounds are spaced to let it, not to add full GCs.
     */
    private static int collectUntilExit(Dropped d) throws Exception {
        while (true) {
            System.gc();
            try {
                return d.exit().get(500, TimeUnit.MILLISECONDS);
            } catch (TimeoutException notYet) {
                // the channel is not collected yet, or its child is in its grace period
            }
        }
    }

    private static void assertReaped(long pid) {
        Path proc = Path.of("/proc/" + pid);
        if (Files.isDirectory(Path.of("/proc/self"))) {
            assertFalse(Files.exists(proc), "pid " + pid + " is still in /proc: a zombie");
        }
        assertTrue(
                TestSupport.children().stream().noneMatch(h -> h.pid() == pid), "pid " + pid + " is still our child");
    }

    @Test
    @Timeout(60)
    void aDroppedChannelsChildIsEndedAndReaped() throws Exception {
        Dropped d = openAndDrop("command:cat", "");
        assertEquals(0, collectUntilExit(d), "cat ends at the EOF the cleaner gives it");
        assertReaped(d.pid());
    }

    @Test
    @Timeout(60)
    void aDroppedChannelsStubbornChildIsKilled() throws Exception {
        Dropped d = openAndDrop(
                "command:sh?arg=-c&arg=trap%20''%20TERM;%20echo%20ready;%20exec%20sleep%201000" + "&mode=r&grace=50",
                "ready\n");
        assertEquals(128 + 9, collectUntilExit(d), "SIGTERM is ignored, so the cleaner's SIGKILL ends it");
        assertReaped(d.pid());
    }

    @Test
    @Timeout(120)
    void twoHundredCyclesLeaveNoProcessAndNoThread() throws IOException {
        Set<String> pumpsBefore = TestSupport.pumpThreads();
        List<ProcessHandle> childrenBefore = TestSupport.children();
        ByteBuffer out = ByteBuffer.allocate(1);
        ByteBuffer in = ByteBuffer.allocate(1);
        for (int i = 0; i < 200; i++) {
            try (IoChannel ch = IoChannels.open("command:cat")) {
                if (i % 2 == 0) { // half of them carry a byte, half close untouched
                    ch.writeAll(out.clear().put(0, (byte) i));
                    ch.readAll(in.clear());
                    assertEquals((byte) i, in.get(0));
                }
            }
        }
        assertEquals(List.of(), childrenBefore, "no child before the cycles");
        assertEquals(List.of(), TestSupport.children(), "children of this JVM after the cycles, zombies included");
        assertEquals(pumpsBefore, TestSupport.pumpThreads(), "pump threads alive after close");
    }
}

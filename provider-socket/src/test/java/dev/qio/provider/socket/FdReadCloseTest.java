package dev.qio.provider.socket;

import static dev.qio.testkit.TestIo.ascii;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.qio.channel.IoChannel;
import dev.qio.channel.NativeFd;
import dev.qio.channel.spi.AbstractIoChannel;
import dev.qio.channel.spi.NativeFds;
import dev.qio.testkit.Background;
import dev.qio.testkit.TestIo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A close racing a read that asked for descriptors on a native {@code unix:} channel, the reader
 * on a platform thread (waiting in the kernel) or a virtual one (parked): the reader gets
 * {@link AsynchronousCloseException}, its list holds nothing, and no descriptor is left open in
 * this process, not even one that arrived with the bytes read before the close.
 */
@Timeout(60)
class FdReadCloseTest {
    @TempDir
    Path dir;

    @BeforeEach
    void nativeOnly() {
        Assumptions.assumeTrue(TestSupport.nativeExpected(), "the java.nio backend has no FD_PASS");
    }

    private static <T> Background<T> reader(String thread, Callable<T> read) {
        return thread.equals("virtual")
                ? Background.startVirtual("fd-reader", read)
                : Background.start("fd-reader", read);
    }

    @ParameterizedTest(name = "on a {0} thread")
    @ValueSource(strings = {"platform", "virtual"})
    void aCloseEndsABlockedDescriptorReadAndLeavesNothingOpen(String thread) throws Exception {
        closeBlockedRead(thread, -1); // the first wait of a thread kind makes the process's pooled waker or poller
        closeBlockedRead(thread, Descriptors.openCount());
    }

    /** A blocked readv asking for descriptors, closed; with {@code before >= 0}, nothing but the server's socket closes. */
    private static void closeBlockedRead(String thread, int before) throws Exception {
        try (TestSupport.Connected c = TestSupport.Connected.over("unix")) {
            int open = Descriptors.openCount();
            List<NativeFd> got = new ArrayList<>();
            IoChannel server = c.server();
            Background<Long> r =
                    reader(thread, () -> server.readv(new ByteBuffer[] {ByteBuffer.allocate(8)}, got, Set.of()));
            r.awaitBlockedIn(AbstractIoChannel.class);
            server.close();

            assertInstanceOf(AsynchronousCloseException.class, r.failure());
            assertEquals(List.of(), got, "descriptors handed to a read the close ended");
            if (before >= 0) {
                assertEquals(
                        open - 1,
                        Descriptors.openCount(),
                        "descriptors open after the close (the server's socket closed, nothing else)");
            }
        }
        if (before >= 0) {
            assertEquals(before, Descriptors.openCount(), "descriptors open once the pair is closed too");
        }
    }

    /**
     * readvAll got the first byte and the descriptor that came with it, then waits for the second
     * byte; the close ends it, and the descriptor it had received is closed, not left in the list.
     */
    @ParameterizedTest(name = "on a {0} thread")
    @ValueSource(strings = {"platform", "virtual"})
    void aCloseEndingReadvAllClosesTheDescriptorsItHadReceived(String thread) throws Exception {
        Path file = dir.resolve("in-flight");
        Files.writeString(file, "x");
        closeBlockedRead(thread, -1); // the first wait of a thread kind makes the process's pooled waker or poller
        try (TestSupport.Connected c = TestSupport.Connected.over("unix")) {
            int before = Descriptors.openCount();
            try (NativeFd sent = NativeFds.open(file, true)) {
                c.client().writevAll(new ByteBuffer[] {ascii("a")}, List.of(sent), Set.of());
            }
            List<NativeFd> got = new ArrayList<>();
            IoChannel server = c.server();
            Background<Void> r = reader(thread, () -> {
                server.readvAll(new ByteBuffer[] {ByteBuffer.allocate(2)}, got, Set.of());
                return null;
            });
            r.awaitBlockedIn(AbstractIoChannel.class);
            server.close();

            assertInstanceOf(AsynchronousCloseException.class, r.failure());
            assertEquals(List.of(), got, "readvAll failed: the descriptors it received are no longer the caller's");
            assertFalse(refersTo(file), "a descriptor of this process still refers to the file that was passed");
            assertEquals(
                    before - 1,
                    Descriptors.openCount(),
                    "descriptors open after the close (the server's socket closed, nothing else)");
        }
    }

    private static boolean refersTo(Path file) throws IOException {
        Path real = file.toRealPath();
        for (Path fd : TestIo.openDescriptors()) {
            try {
                if (Files.readSymbolicLink(fd).equals(real)) {
                    return true;
                }
            } catch (IOException gone) {
                // the listing's own descriptor, closed by now
            }
        }
        return false;
    }
}

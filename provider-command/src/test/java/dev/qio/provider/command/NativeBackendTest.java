package dev.qio.provider.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.spi.AbstractIoChannel;
import dev.qio.channel.spi.linux.NativeProcess;
import dev.qio.testkit.Background;
import dev.qio.testkit.TestIo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the native backend of {@code command:} adds: which implementation serves the scheme, no
 * thread per child, close waking blocked threads of both kinds, exec failures raised by open,
 * and nothing left behind after many children.
 */
@Timeout(120)
class NativeBackendTest {
    private static boolean nativeBackend() {
        return NativeProcess.unavailableReason().isEmpty();
    }

    @Test
    void theBackendIsNativeExactlyWhenItCanRun() throws IOException {
        try (IoChannel ch = IoChannels.open("command:true")) {
            Class<?> expected = nativeBackend() ? NativeCommandChannel.class : ProcessChannel.class;
            assertEquals(
                    expected,
                    ch.getClass(),
                    "native backend: " + NativeProcess.unavailableReason().orElse("available"));
        }
    }

    /** Names of this JVM's live platform threads. */
    private static Set<String> platformThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && !t.isVirtual())
                .map(Thread::getName)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void openChildrenCostNoPlatformThread() throws IOException {
        assumeTrue(nativeBackend(), "the ProcessBuilder fallback runs two pump threads per child");
        try (IoChannel warm = IoChannels.open("command:cat")) { // starts the shared poller and cleaner
            warm.writeAll(TestIo.ascii("w"));
            TestSupport.expect(warm, "w");
        }
        Set<String> before = platformThreads();
        List<IoChannel> open = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                open.add(IoChannels.open("command:cat"));
            }
            for (IoChannel ch : open) { // each child's pipes work: what it cost is measured while it is in use
                ch.writeAll(TestIo.ascii("x"));
                TestSupport.expect(ch, "x");
            }
            Set<String> during = platformThreads();
            during.removeAll(before);
            // The virtual threads that reap children run on the JDK's carrier threads, of which at most one per CPU.
            during.removeIf(n -> n.startsWith("ForkJoinPool-"));
            assertEquals(Set.of(), during, "platform threads started while 20 children ran");
        } finally {
            for (IoChannel ch : open) {
                ch.close();
            }
        }
    }

    @Test
    void closeWakesABlockedReaderOnAPlatformAndAVirtualThread() throws Exception {
        for (boolean virtual : new boolean[] {false, true}) {
            IoChannel ch = IoChannels.open("command:cat");
            Callable<Integer> read = () -> ch.read(ByteBuffer.allocate(8));
            var reader = virtual ? Background.startVirtual("reader", read) : Background.start("reader", read);
            reader.awaitBlockedIn(AbstractIoChannel.class);
            ch.close();
            assertInstanceOf(AsynchronousCloseException.class, reader.failure(), virtual ? "virtual" : "platform");
        }
    }

    @Test
    void closeWakesAWriterBlockedOnAFullPipe() throws Exception {
        for (boolean virtual : new boolean[] {false, true}) {
            // sleep never reads its stdin: the pipe fills and the writer waits for room
            IoChannel ch = IoChannels.open("command:sleep?arg=1000&grace=0");
            Callable<Void> write = () -> {
                ch.writeAll(ByteBuffer.allocate(1 << 20));
                return null;
            };
            var writer = virtual ? Background.startVirtual("writer", write) : Background.start("writer", write);
            writer.awaitBlockedIn(AbstractIoChannel.class);
            ch.close();
            assertInstanceOf(ClosedChannelException.class, writer.failure(), virtual ? "virtual" : "platform");
        }
    }

    @Test
    void aProgramTheKernelCannotExecIsAnErrorOfOpen(@TempDir Path dir) throws IOException {
        assumeTrue(nativeBackend(), "ProcessBuilder runs a file without a known format through /bin/sh");
        Path garbage = dir.resolve("garbage");
        Files.write(garbage, new byte[] {0x7f, 'E', 'L', 'F', 0, 0, 0, 0});
        Files.setPosixFilePermissions(garbage, PosixFilePermissions.fromString("rwx------"));
        IOException e = assertThrows(
                IOException.class,
                () -> IoChannels.open("command:" + garbage.toUri().getPath()));
        TestSupport.assertContains(e.getMessage(), "cannot run", garbage.toString(), "Exec format error");
        assertEquals(List.of(), TestSupport.children(), "no child is left of the failed start");
    }

    @Test
    void threeHundredChildrenLeaveNoProcessDescriptorOrThread() throws IOException {
        try (IoChannel warm = IoChannels.open("command:cat")) {
            warm.writeAll(TestIo.ascii("w"));
            TestSupport.expect(warm, "w");
        }
        int descriptors = TestIo.openDescriptors().size();
        Set<String> threads = platformThreads();
        ByteBuffer out = ByteBuffer.allocate(1);
        ByteBuffer in = ByteBuffer.allocate(1);
        for (int i = 0; i < 300; i++) {
            try (IoChannel ch = IoChannels.open("command:cat")) {
                if (i % 2 == 0) {
                    ch.writeAll(out.clear().put(0, (byte) i));
                    ch.readAll(in.clear());
                    assertEquals((byte) i, in.get(0));
                }
            }
        }
        assertEquals(List.of(), TestSupport.children(), "children of this JVM, zombies included");
        assertEquals(descriptors, TestIo.openDescriptors().size(), "open descriptors before and after 300 children");
        Set<String> left = platformThreads();
        left.removeAll(threads);
        assertTrue(left.stream().noneMatch(n -> n.startsWith("qio-")), "qio threads left: " + left);
    }
}

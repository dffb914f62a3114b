package dev.qio.provider.memory;

import static dev.qio.provider.memory.TestSupport.uniqueName;
import static dev.qio.testkit.TestIo.ascii;
import static dev.qio.testkit.TestIo.written;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.qio.channel.Feature;
import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.IoListener;
import dev.qio.channel.NativeFd;
import dev.qio.channel.spi.NativeFds;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Descriptor passing in process: duplicates with SCM_RIGHTS ownership, delivered with the right
 * bytes, closed when nobody will receive them. Linux only (it inspects {@code /proc/self/fd}).
 */
@Timeout(30)
class FdPassingTest {
    @TempDir
    Path dir;

    private Path file;
    private final List<NativeFd> toClose = new ArrayList<>();
    private IoListener listener;
    private IoChannel client;
    private IoChannel server;

    @BeforeEach
    void setUp() throws IOException {
        assumeTrue(
                NativeFds.isSupported() && Files.isDirectory(Path.of("/proc/self/fd")),
                "needs POSIX descriptors and /proc/self/fd");
        file = Files.writeString(dir.resolve("passed.txt"), "payload").toRealPath();
        String name = uniqueName("fd");
        listener = IoChannels.listen("mem://" + name);
        client = IoChannels.open("mem://" + name);
        server = listener.accept();
    }

    @AfterEach
    void tearDown() throws IOException {
        for (AutoCloseable c :
                Stream.of(client, server, listener).filter(x -> x != null).toList()) {
            try {
                c.close();
            } catch (Exception e) {
                throw new IOException(e);
            }
        }
        for (NativeFd fd : toClose) {
            fd.close();
        }
    }

    private NativeFd openFile() throws IOException {
        NativeFd fd = NativeFds.open(file, false);
        toClose.add(fd);
        return fd;
    }

    /** The descriptors of this process that refer to {@code file}. */
    private Set<Integer> descriptorsOfFile() throws IOException {
        Set<Integer> found = new HashSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path p : fds.toList()) {
                try {
                    if (Files.readSymbolicLink(p).equals(file)) {
                        found.add(Integer.parseInt(p.getFileName().toString()));
                    }
                } catch (IOException | NumberFormatException gone) {
                    // Closed while we listed (the listing's own descriptor, say): not ours.
                }
            }
        }
        return found;
    }

    private boolean refersToFile(int fd) throws IOException {
        return NativeFds.isOpenInProcess(fd)
                && Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).equals(file);
    }

    @Test
    void threeDescriptorsArriveAsNewNumbersForTheSameFile() throws IOException {
        assertTrue(client.hasFeature(Feature.FD_PASS));
        List<NativeFd> sent = List.of(openFile(), openFile(), openFile());
        assertEquals(12, client.writev(new ByteBuffer[] {ascii("twelve bytes")}, sent, Set.of()));
        List<NativeFd> got = new ArrayList<>();
        ByteBuffer buf = ByteBuffer.allocate(64);
        assertEquals(12, server.readv(new ByteBuffer[] {buf}, got, Set.of()));
        toClose.addAll(got);
        assertEquals("twelve bytes", written(buf));
        assertEquals(3, got.size());
        Set<Integer> sentNumbers = new HashSet<>();
        sent.forEach(fd -> sentNumbers.add(fd.value()));
        Set<Integer> gotNumbers = new HashSet<>();
        for (NativeFd fd : got) {
            assertFalse(sentNumbers.contains(fd.value()), "received " + fd + " is a sent number");
            assertTrue(gotNumbers.add(fd.value()), "received " + fd + " twice");
            assertTrue(refersToFile(fd.value()), fd + " should refer to " + file);
        }
        for (NativeFd fd : sent) {
            fd.close();
        }
        for (NativeFd fd : got) {
            assertTrue(refersToFile(fd.value()), "closing the sent descriptors must not close " + fd);
        }
    }

    @Test
    void descriptorsTravelWithTheFirstByteOfTheirWrite() throws IOException {
        client.writeAll(ascii("plain"));
        client.writev(new ByteBuffer[] {ascii("first")}, List.of(openFile()), Set.of());
        client.writeAll(ascii("tail"));
        client.writev(new ByteBuffer[] {ascii("second")}, List.of(openFile(), openFile()), Set.of());
        assertRead("plain", 0); // stops before the descriptor-carrying write
        assertRead("firsttail", 1); // plain bytes after a batch may join it
        assertRead("second", 2);
    }

    @Test
    void aShortReadTakesTheBatchAndTheRestComesWithout() throws IOException {
        client.writev(new ByteBuffer[] {ascii("abcdef")}, List.of(openFile()), Set.of());
        List<NativeFd> got = new ArrayList<>();
        ByteBuffer two = ByteBuffer.allocate(2);
        assertEquals(2, server.readv(new ByteBuffer[] {two}, got, Set.of()));
        toClose.addAll(got);
        assertEquals(1, got.size());
        assertRead("cdef", 0);
    }

    private void assertRead(String bytes, int fds) throws IOException {
        List<NativeFd> got = new ArrayList<>();
        ByteBuffer buf = ByteBuffer.allocate(64);
        assertEquals(bytes.length(), server.readv(new ByteBuffer[] {buf}, got, Set.of()));
        toClose.addAll(got);
        assertEquals(bytes, written(buf));
        assertEquals(fds, got.size(), "descriptors delivered with '" + bytes + "'");
    }

    @Test
    void undeliveredDescriptorsCloseWhenTheReaderCloses() throws IOException {
        NativeFd mine = openFile();
        client.writev(new ByteBuffer[] {ascii("never read")}, List.of(mine), Set.of());
        Set<Integer> queued = descriptorsOfFile();
        queued.remove(mine.value());
        assertEquals(1, queued.size(), "the pipe holds one duplicate");
        mine.close();
        server.close();
        for (int fd : queued) {
            assertFalse(refersToFile(fd), "fd " + fd + " should be closed with the reader");
        }
        assertEquals(Set.of(), descriptorsOfFile());
    }

    @Test
    void readingWithoutAskingForDescriptorsClosesThem() throws IOException {
        NativeFd mine = openFile();
        client.writev(new ByteBuffer[] {ascii("data")}, List.of(mine), Set.of());
        mine.close();
        assertEquals(1, descriptorsOfFile().size(), "only the queued duplicate is left");
        ByteBuffer buf = ByteBuffer.allocate(8);
        assertEquals(4, server.read(buf));
        assertEquals(Set.of(), descriptorsOfFile(), "a read with fdsOut == null closes what arrived");
    }

    @Test
    void aReadWithoutDescriptorsStillStopsAtTheNextBatch() throws IOException {
        client.writev(new ByteBuffer[] {ascii("x")}, List.of(openFile()), Set.of());
        client.writev(new ByteBuffer[] {ascii("y")}, List.of(openFile()), Set.of());
        assertEquals(1, server.read(ByteBuffer.allocate(8)));
        assertRead("y", 1);
    }
}

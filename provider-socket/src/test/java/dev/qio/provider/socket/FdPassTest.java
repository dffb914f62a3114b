package dev.qio.provider.socket;

import static dev.qio.testkit.TestIo.ascii;
import static dev.qio.testkit.TestIo.readAscii;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qio.channel.NativeFd;
import dev.qio.channel.ReadFlag;
import dev.qio.channel.spi.NativeFds;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Descriptor passing on native {@code unix:} channels, where the kernel's rules show: the limit
 * of 16, the mode and close-on-exec of what arrives, peeking, and that no descriptor is left
 * without an owner when the caller's list refuses it. The kit's FD_PASS family covers delivery;
 * the java.nio backend does not advertise FD_PASS ({@link SocketFeaturesTest} checks its refusal).
 */
@Timeout(30)
class FdPassTest {
    @TempDir
    Path dir;

    @BeforeEach
    void nativeOnly() {
        Assumptions.assumeTrue(
                TestSupport.nativeExpected(),
                "the java.nio backend has no FD_PASS (SocketFeaturesTest checks it refuses)");
    }

    private NativeFd file(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content);
        return NativeFds.open(p, true);
    }

    @Test
    void moreThanSixteenDescriptorsAreRefusedNamingTheLimitBeforeAnyByteMoves() throws IOException {
        try (TestSupport.Connected c = TestSupport.Connected.over("unix")) {
            List<NativeFd> fds = new ArrayList<>();
            try {
                for (int i = 0; i < 17; i++) {
                    fds.add(file("f" + i, "x"));
                }
                ByteBuffer data = ascii("x");
                IllegalArgumentException e = assertThrows(
                        IllegalArgumentException.class,
                        () -> c.client().writev(new ByteBuffer[] {data}, fds, Set.of()));
                assertTrue(
                        e.getMessage().contains("Only 16 file descriptors")
                                && e.getMessage().contains("got 17"),
                        e.getMessage());
                assertTrue(e.getMessage().contains(c.client().name()), e.getMessage());
                assertEquals(0, data.position(), "nothing moved");
                c.client().writevAll(new ByteBuffer[] {data}, fds.subList(0, 16), Set.of());
                List<NativeFd> got = new ArrayList<>();
                c.server().readvAll(new ByteBuffer[] {ByteBuffer.allocate(1)}, got, Set.of());
                assertEquals(16, got.size(), "sixteen travel in one message");
                for (NativeFd fd : got) {
                    fd.close();
                }
            } finally {
                for (NativeFd fd : fds) {
                    fd.close();
                }
            }
        }
    }

    @Test
    void aClosedDescriptorIsRefusedBeforeAnyByteMoves() throws IOException {
        try (TestSupport.Connected c = TestSupport.Connected.over("unix")) {
            NativeFd fd = file("f", "x");
            fd.close();
            ByteBuffer data = ascii("x");
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class,
                    () -> c.client().writev(new ByteBuffer[] {data}, List.of(fd), Set.of()));
            assertTrue(e.getMessage().contains("closed"), e.getMessage());
            assertEquals(0, data.position());
            c.client().writeAll(ascii("still fine"));
            assertEquals("still fine", readAscii(c.server(), 10));
        }
    }

    /** QEMU's rule: what arrives is close-on-exec and blocking, unless FD_PRESERVE_BLOCKING keeps the sender's mode. */
    @Test
    void receivedDescriptorsAreCloseOnExecAndBlockingUnlessPreserved() throws IOException {
        try (TestSupport.Connected c = TestSupport.Connected.over("unix");
                NativeFd socket = Descriptors.nonBlockingSocket()) {
            assertNotEquals(0, Descriptors.flags(socket) & Descriptors.O_NONBLOCK, "the socket sent is non-blocking");
            List<NativeFd> got = new ArrayList<>();
            try {
                c.client().writevAll(new ByteBuffer[] {ascii("p")}, List.of(socket), Set.of());
                c.server()
                        .readvAll(
                                new ByteBuffer[] {ByteBuffer.allocate(1)}, got, Set.of(ReadFlag.FD_PRESERVE_BLOCKING));
                int preserved = Descriptors.flags(got.get(0));
                assertNotEquals(0, preserved & Descriptors.O_NONBLOCK, "FD_PRESERVE_BLOCKING keeps O_NONBLOCK");
                assertNotEquals(0, preserved & Descriptors.O_CLOEXEC, "received with MSG_CMSG_CLOEXEC");

                c.client().writevAll(new ByteBuffer[] {ascii("b")}, List.of(socket), Set.of());
                c.server().readvAll(new ByteBuffer[] {ByteBuffer.allocate(1)}, got, Set.of());
                int blocking = Descriptors.flags(got.get(1));
                assertEquals(0, blocking & Descriptors.O_NONBLOCK, "switched to blocking by default");
                assertNotEquals(0, blocking & Descriptors.O_CLOEXEC, "received with MSG_CMSG_CLOEXEC");
            } finally {
                for (NativeFd fd : got) {
                    fd.close();
                }
            }
        }
    }

    /** The same open file, not a re-opened one: its offset is shared with the sender's descriptor. */
    @Test
    void aReceivedDescriptorSharesTheSendersOpenFile() throws IOException {
        try (TestSupport.Connected c = TestSupport.Connected.over("unix");
                NativeFd sent = file("f", "0123456789")) {
            ByteBuffer big = ByteBuffer.allocateDirect(300_000);
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    c.client().writevAll(new ByteBuffer[] {big}, List.of(sent), Set.of());
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            List<NativeFd> got = new ArrayList<>();
            ByteBuffer in = ByteBuffer.allocate(300_000);
            c.server().readvAll(new ByteBuffer[] {in}, got, Set.of());
            try (NativeFd received = got.get(0)) {
                assertEquals(1, got.size(), "the descriptors came once, with the first chunk of a partial write");
                assertEquals(Descriptors.target(sent), Descriptors.target(received));
                assertEquals(Descriptors.position(sent), Descriptors.position(received));
                assertEquals("0123456789", Files.readString(Path.of("/proc/self/fd/" + received.value())));
            } finally {
                joinQuietly(writer);
            }
        }
    }

    /** A peek hands over copies of the descriptors and leaves them queued: the read after it gets them again, as new ones. */
    @Test
    void peekingDeliversCopiesAndLeavesDescriptorsQueued() throws IOException {
        try (TestSupport.Connected c = TestSupport.Connected.over("unix");
                NativeFd sent = file("f", "peek")) {
            c.client().writevAll(new ByteBuffer[] {ascii("ab")}, List.of(sent), Set.of());
            List<NativeFd> peeked = new ArrayList<>();
            List<NativeFd> read = new ArrayList<>();
            try {
                ByteBuffer p = ByteBuffer.allocate(2);
                long n = c.server().readv(new ByteBuffer[] {p}, peeked, Set.of(ReadFlag.MSG_PEEK));
                assertTrue(n >= 1 && p.position() == n, "peeked " + n);
                assertEquals(1, peeked.size());
                c.server().readvAll(new ByteBuffer[] {ByteBuffer.allocate(2)}, read, Set.of());
                assertEquals(1, read.size(), "the peeked descriptor is still queued");
                assertNotEquals(peeked.get(0).value(), read.get(0).value());
                assertEquals(Descriptors.target(sent), Descriptors.target(read.get(0)));
            } finally {
                for (NativeFd fd : peeked) {
                    fd.close();
                }
                for (NativeFd fd : read) {
                    fd.close();
                }
            }
        }
    }

    /** A read that asks for no descriptors gets the bytes; the kernel discards the descriptors, none is left open here. */
    @Test
    void aReadWithoutRoomForDescriptorsLeavesNoneOpen() throws IOException {
        try (TestSupport.Connected c = TestSupport.Connected.over("unix");
                NativeFd sent = file("f", "x")) {
            int before = Descriptors.openCount();
            c.client().writevAll(new ByteBuffer[] {ascii("abc")}, List.of(sent, sent, sent), Set.of());
            assertEquals("abc", readAscii(c.server(), 3));
            assertEquals(before, Descriptors.openCount(), "descriptors open after a read that asked for none");
        }
    }

    /** The caller's list refuses the descriptor: its exception comes through, and the descriptor is closed, not leaked. */
    @Test
    void aListThatRefusesTheDescriptorsLeavesNoneOpen() throws IOException {
        try (TestSupport.Connected c = TestSupport.Connected.over("unix");
                NativeFd sent = file("f", "x")) {
            int before = Descriptors.openCount();
            c.client().writevAll(new ByteBuffer[] {ascii("a")}, List.of(sent, sent), Set.of());
            assertThrows(
                    UnsupportedOperationException.class,
                    () -> c.server().readv(new ByteBuffer[] {ByteBuffer.allocate(1)}, List.of(), Set.of()));
            assertEquals(before, Descriptors.openCount(), "descriptors open after the list refused them");
            c.client().writevAll(new ByteBuffer[] {ascii("b")}, List.of(sent), Set.of());
            assertThrows(
                    UnsupportedOperationException.class,
                    () -> c.server().readvAll(new ByteBuffer[] {ByteBuffer.allocate(1)}, List.of(), Set.of()));
            assertEquals(before, Descriptors.openCount(), "descriptors open after readvAll's list refused them");
        }
    }

    /** A tcp channel has no FD_PASS on either backend. */
    @Test
    void tcpHasNoFdPass() throws IOException {
        try (TestSupport.Connected c = TestSupport.Connected.over("tcp4")) {
            assertFalse(c.client().hasFeature(dev.qio.channel.Feature.FD_PASS));
            assertThrows(
                    dev.qio.channel.UnsupportedFeatureException.class,
                    () -> c.server().readv(new ByteBuffer[] {ByteBuffer.allocate(1)}, new ArrayList<>(), Set.of()));
        }
    }

    private static void joinQuietly(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package dev.qio.provider.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.IoListener;
import dev.qio.channel.NativeFd;
import dev.qio.channel.spi.NativeFds;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
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
 * Descriptors between qio's native {@code unix:} channels and Python 3's {@code socket.send_fds}
 * and {@code recv_fds} (CPython's own {@code sendmsg}/{@code recvmsg}), both ways, and a peer that
 * sends more than 16 at once. Skipped, naming the package, when {@code python3} is missing
 * ({@code .ci/run} installs it).
 */
@Timeout(60)
class FdPassPythonTest {
    /** The peer: {@code send PATH FILE} or {@code recv PATH}; see each test for its side of the exchange. */
    private static final String PEER = """
            import os, socket, sys
            mode, path = sys.argv[1], sys.argv[2]
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(path)
            if mode == "send":
                fd = os.open(sys.argv[3], os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600)
                os.write(fd, b"from python")
                socket.send_fds(s, [b"p"], [fd])
                assert s.recv(1) == b"k"
                socket.send_fds(s, [b"t"], [fd] * 20)
                s.recv(1)
            else:
                msg, fds, flags, addr = socket.recv_fds(s, 16, 16)
                assert msg == b"q" and len(fds) == 1, (msg, fds)
                os.write(fds[0], b"written by python")
                os.close(fds[0])
                s.sendall(b"k")
            s.close()
            """;

    @TempDir
    Path dir;

    @BeforeEach
    void needs() {
        Assumptions.assumeTrue(TestSupport.nativeExpected(), "the java.nio backend has no FD_PASS");
        Child.assumeInstalled("python3", "--version", "python3");
    }

    private Child python(String... args) throws IOException {
        Path script = dir.resolve("peer.py");
        Files.writeString(script, PEER);
        List<String> command = new ArrayList<>(List.of("python3", script.toString()));
        command.addAll(List.of(args));
        return Child.start(dir, command);
    }

    /**
     * Python sends a file it wrote 11 bytes to: qio receives the same open file (offset 11, not
     * a re-opened one), close-on-exec and usable. Then Python sends 20 at once: the read fails
     * naming the limit of 16, and none of those that arrived stays open.
     */
    @Test
    void pythonSendsQioReceives() throws Exception {
        Path sock = TestSupport.freshSocketPath();
        Path file = dir.resolve("from-python");
        try (IoListener listener = IoChannels.listen(TestSupport.unixUri(sock));
                Child peer = python("send", sock.toString(), file.toString());
                IoChannel ch = listener.accept()) {
            List<NativeFd> got = new ArrayList<>();
            ByteBuffer one = ByteBuffer.allocate(1);
            ch.readvAll(new ByteBuffer[] {one}, got, Set.of());
            try (NativeFd fd = got.get(0)) {
                assertEquals(1, got.size());
                assertEquals('p', one.get(0));
                assertEquals(file.toRealPath(), Descriptors.target(fd));
                assertEquals(11, Descriptors.position(fd), "the offset Python's write left: the same open file");
                assertTrue((Descriptors.flags(fd) & Descriptors.O_CLOEXEC) != 0, "close-on-exec");
                assertEquals("from python", Files.readString(Path.of("/proc/self/fd/" + fd.value())));
            }
            int before = Descriptors.openCount();
            ch.writeAll(ByteBuffer.wrap(new byte[] {'k'}));
            List<NativeFd> tooMany = new ArrayList<>();
            IOException e = assertThrows(
                    IOException.class, () -> ch.readvAll(new ByteBuffer[] {ByteBuffer.allocate(1)}, tooMany, Set.of()));
            assertTrue(e.getMessage().contains("at most 16") && e.getMessage().contains(ch.name()), e.getMessage());
            assertEquals(List.of(), tooMany);
            assertEquals(before, Descriptors.openCount(), "descriptors left open after a truncated read");
            assertThrows(
                    IOException.class,
                    () -> ch.read(ByteBuffer.allocate(1)),
                    "the bytes that came with them were consumed: later reads fail too");
            ch.writeAll(ByteBuffer.wrap(new byte[] {'k'}));
            assertEquals(0, peer.awaitExit(), () -> "python3: " + outputOf(peer));
        }
    }

    /** qio sends a file opened for writing; Python writes through the descriptor it received. */
    @Test
    void qioSendsPythonReceives() throws Exception {
        Path sock = TestSupport.freshSocketPath();
        Path file = dir.resolve("to-python");
        Files.writeString(file, "");
        try (IoListener listener = IoChannels.listen(TestSupport.unixUri(sock));
                Child peer = python("recv", sock.toString());
                IoChannel ch = listener.accept();
                NativeFd fd = NativeFds.open(file, true)) {
            ch.writevAll(new ByteBuffer[] {ByteBuffer.wrap(new byte[] {'q'})}, List.of(fd), Set.of());
            ByteBuffer ack = ByteBuffer.allocate(1);
            ch.readAll(ack);
            assertEquals('k', ack.get(0), () -> "python3: " + outputOf(peer));
            assertEquals(0, peer.awaitExit(), () -> "python3: " + outputOf(peer));
            assertEquals("written by python", Files.readString(file, StandardCharsets.UTF_8));
        }
    }

    private static String outputOf(Child c) {
        try {
            return c.output();
        } catch (IOException e) {
            return "(output unreadable: " + e + ")";
        }
    }
}

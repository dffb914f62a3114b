package dev.qio.provider.socket;

import static dev.qio.testkit.TestIo.ascii;
import static dev.qio.testkit.TestIo.readAscii;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.IoListener;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code unix:///NAME?abstract=true[&tight=BOOL]}: QEMU's abstract-namespace addresses on the
 * native backend, against this backend and against Python's socket module; refused, naming the
 * option, on {@code java.nio}.
 */
@Timeout(30)
class AbstractUnixSocketTest {
    private static final AtomicInteger NEXT = new AtomicInteger();

    /** A name no other test JVM on this machine uses. */
    private static String freshName() {
        return "qio-test-" + ProcessHandle.current().pid() + "-" + NEXT.incrementAndGet();
    }

    private static void nativeOnly() {
        assumeTrue(
                TestSupport.nativeExpected(), "abstract addresses need the native backend (-Dqio.native=false here)");
    }

    @Test
    void listensAndConnectsWithNoFileAndReportsItsUri() throws IOException {
        nativeOnly();
        String name = freshName();
        String uri = "unix:///" + name + "?abstract=true";
        try (IoListener l = IoChannels.listen(uri);
                IoChannel client = IoChannels.open(uri);
                IoChannel server = l.accept()) {
            assertEquals(URI.create(uri), l.localUri());
            assertTrue(!java.nio.file.Files.exists(java.nio.file.Path.of("/" + name)), "no socket file is created");
            client.writeAll(ascii("ping"));
            assertEquals("ping", readAscii(server, 4));
            server.writeAll(ascii("pong"));
            assertEquals("pong", readAscii(client, 4));
            assertEquals(ProcessHandle.current().pid(), client.peerPid());
            BindException taken = assertThrows(
                    BindException.class, () -> IoChannels.listen(uri).close());
            assertTrue(taken.getMessage().contains(name), taken.getMessage());
        }
        try (IoListener again = IoChannels.listen(uri)) { // the name went with the last socket
            assertEquals(URI.create(uri), again.localUri());
        }
    }

    /** The kernel compares the whole address: a loose (padded) name is another address than the tight one. */
    @Test
    void looseAndTightAreDifferentAddresses() throws IOException {
        nativeOnly();
        String name = freshName();
        String loose = "unix:///" + name + "?abstract=true&tight=false";
        try (IoListener l = IoChannels.listen(loose)) {
            assertEquals(URI.create(loose), l.localUri());
            assertThrows(
                    ConnectException.class,
                    () -> IoChannels.open("unix:///" + name + "?abstract=true").close());
            try (IoChannel client = IoChannels.open(loose);
                    IoChannel server = l.accept()) {
                client.writeAll(ascii("x"));
                assertEquals("x", readAscii(server, 1));
            }
        }
    }

    private static final String PY_SERVER = """
            import socket, sys
            name, tight = sys.argv[1].encode(), sys.argv[2] == '1'
            addr = b'\\0' + name if tight else (b'\\0' + name).ljust(108, b'\\0')
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.bind(addr); s.listen(1)
            print('ready', flush=True)
            c, _ = s.accept()
            data = b''
            while len(data) < 4:
                data += c.recv(4 - len(data))
            c.sendall(data[::-1]); c.close(); s.close()
            """;

    private static final String PY_CLIENT = """
            import socket, sys
            name, tight = sys.argv[1].encode(), sys.argv[2] == '1'
            addr = b'\\0' + name if tight else (b'\\0' + name).ljust(108, b'\\0')
            c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            c.connect(addr); c.sendall(b'ping')
            data = b''
            while len(data) < 4:
                data += c.recv(4 - len(data))
            print(data.decode(), flush=True)
            """;

    @Test
    void connectsToPythonsAbstractListenerTightAndLoose() throws IOException {
        nativeOnly();
        for (boolean tight : new boolean[] {true, false}) {
            String name = freshName();
            try (PythonPeer py = PythonPeer.start(PY_SERVER, name, tight ? "1" : "0")) {
                assertEquals("ready", py.line());
                try (IoChannel c = IoChannels.open("unix:///" + name + "?abstract=true&tight=" + tight)) {
                    c.writeAll(ascii("abcd"));
                    assertEquals("dcba", readAscii(c, 4));
                }
                assertEquals(0, py.exitCode());
            }
        }
    }

    @Test
    void acceptsPythonsAbstractClientTightAndLoose() throws IOException {
        nativeOnly();
        for (boolean tight : new boolean[] {true, false}) {
            String name = freshName();
            try (IoListener l = IoChannels.listen("unix:///" + name + "?abstract=true&tight=" + tight);
                    PythonPeer py = PythonPeer.start(PY_CLIENT, name, tight ? "1" : "0");
                    IoChannel server = l.accept()) {
                assertEquals("ping", readAscii(server, 4));
                server.writeAll(ascii("pong"));
                assertEquals("pong", py.line());
                assertEquals(0, py.exitCode());
            }
        }
    }

    @Test
    void javaNioRefusesNamingTheOption() {
        assumeTrue(!TestSupport.nativeExpected(), "the native backend serves abstract addresses");
        UnsupportedOperationException e = assertThrows(
                UnsupportedOperationException.class,
                () -> IoChannels.listen("unix:///" + freshName() + "?abstract=true"));
        assertTrue(e.getMessage().contains("abstract=true") && e.getMessage().contains("native"), e.getMessage());
        e = assertThrows(UnsupportedOperationException.class, () -> IoChannels.open("unix:///x?abstract=true"));
        assertTrue(e.getMessage().contains("abstract=true"), e.getMessage());
    }

    @Test
    void badOptionsAreErrorsNamingThem() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> IoChannels.open("unix:///tmp/x?tight=false"));
        assertTrue(e.getMessage().contains("'tight'") && e.getMessage().contains("abstract=true"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> IoChannels.open("unix:///x?abstract=maybe"));
        assertTrue(e.getMessage().contains("'abstract'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> IoChannels.listen("unix:///?abstract=true"));
        assertTrue(e.getMessage().contains("empty"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> IoChannels.listen("unix:///" + "n".repeat(108) + "?abstract=true"));
        assertTrue(e.getMessage().contains("107"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> IoChannels.open("tcp://127.0.0.1:1?abstract=true"));
        assertTrue(e.getMessage().contains("'abstract'"), e.getMessage());
    }
}

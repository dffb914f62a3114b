package dev.qio.provider.socket;

import static dev.qio.provider.socket.TestSupport.freshSocketPath;
import static dev.qio.provider.socket.TestSupport.unixUri;
import static dev.qio.testkit.TestIo.ascii;
import static dev.qio.testkit.TestIo.readAscii;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.IoListener;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code unix:///PATH}: the listener creates the socket file and removes it on close, and only the
 * file it created (QEMU's {@code socket_listen_cleanup} and its unix-listen-cleanup test).
 */
@Timeout(30)
class UnixSocketTest {

    private static boolean isSocketFile(Path p) throws IOException {
        return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                .isOther();
    }

    /**
     * On the native backend, peerPid() is the connecting (or listening) process's pid, from
     * SO_PEERCRED: here both ends are this JVM. The java.nio backend has no SO_PEERCRED and
     * refuses, as QEMU's base does for channels without one; so does tcp: on either backend.
     */
    @Test
    void peerPidIsTheProcessAtTheOtherEnd() throws IOException {
        try (IoListener l = IoChannels.listen(unixUri(freshSocketPath()));
                IoChannel client = IoChannels.open(l.localUri());
                IoChannel server = l.accept()) {
            if (TestSupport.nativeExpected()) {
                assertEquals(ProcessHandle.current().pid(), client.peerPid());
                assertEquals(ProcessHandle.current().pid(), server.peerPid());
            } else {
                assertThrows(UnsupportedOperationException.class, client::peerPid);
            }
        }
        try (IoListener l = IoChannels.listen("tcp://127.0.0.1:0");
                IoChannel client = IoChannels.open(l.localUri());
                IoChannel server = l.accept()) {
            assertThrows(UnsupportedOperationException.class, server::peerPid);
        }
    }

    @Test
    void listenCreatesTheSocketFileAndReportsItsUri() throws IOException {
        Path path = freshSocketPath();
        try (IoListener listener = IoChannels.listen(unixUri(path))) {
            assertTrue(Files.exists(path, LinkOption.NOFOLLOW_LINKS), "listen creates " + path);
            assertTrue(isSocketFile(path), path + " is a socket, not a regular file");
            assertEquals(URI.create(unixUri(path)), listener.localUri());
            assertEquals(path, Path.of(listener.localUri().getPath()));
            try (IoChannel client = IoChannels.open(listener.localUri());
                    IoChannel server = listener.accept()) {
                assertEquals(unixUri(path), client.name());
                assertEquals(unixUri(path) + "#client-1", server.name());
                client.writeAll(ascii("ping"));
                assertEquals("ping", readAscii(server, 4));
                server.writeAll(ascii("pong"));
                assertEquals("pong", readAscii(client, 4));
            }
        }
    }

    /** As QEMU's test: the path outlives the clients and goes with the listener. */
    @Test
    void theFileOutlivesClientsAndGoesWithTheListener() throws IOException {
        Path path = freshSocketPath();
        IoListener listener = IoChannels.listen(unixUri(path));
        try (IoChannel client = IoChannels.open(unixUri(path));
                IoChannel server = listener.accept()) {
            client.writeAll(ascii("x"));
            assertEquals("x", readAscii(server, 1));
        }
        assertTrue(Files.exists(path, LinkOption.NOFOLLOW_LINKS), "closing the clients leaves the listener's file");
        listener.close();
        assertFalse(Files.exists(path, LinkOption.NOFOLLOW_LINKS), "closing the listener removes the file it created");
        listener.close(); // idempotent, and nothing left to remove
        assertThrows(ConnectException.class, () -> IoChannels.open(unixUri(path)));
        try (IoListener again = IoChannels.listen(unixUri(path))) {
            assertTrue(again.isOpen(), "the path can be listened on again");
        }
    }

    /** A file that replaced the socket after bind is someone else's: close leaves it. */
    @Test
    void closeLeavesAFileThatReplacedTheSocket() throws IOException {
        Path path = freshSocketPath();
        IoListener listener = IoChannels.listen(unixUri(path));
        try {
            Files.delete(path);
            Files.writeString(path, "not ours");
        } finally {
            listener.close();
        }
        assertTrue(Files.exists(path), "close must not remove a file the listener did not create");
        assertEquals("not ours", Files.readString(path));
    }

    /** Another listener's socket at the same path (the first one's file was unlinked and the path reused) is left too. */
    @Test
    void closeLeavesAnotherListenersSocket() throws IOException {
        Path path = freshSocketPath();
        IoListener first = IoChannels.listen(unixUri(path));
        Files.delete(path); // the first listener is still bound, to an unlinked inode
        try (IoListener second = IoChannels.listen(unixUri(path))) {
            first.close();
            assertTrue(
                    Files.exists(path, LinkOption.NOFOLLOW_LINKS), "the first listener removed the second one's file");
            try (IoChannel client = IoChannels.open(unixUri(path));
                    IoChannel server = second.accept()) {
                client.writeAll(ascii("2"));
                assertEquals("2", readAscii(server, 1));
            }
        }
        assertFalse(Files.exists(path, LinkOption.NOFOLLOW_LINKS), "the second listener removes its own file");
    }

    @Test
    void closeWhenTheFileIsAlreadyGoneIsQuiet() throws IOException {
        Path path = freshSocketPath();
        IoListener listener = IoChannels.listen(unixUri(path));
        Files.delete(path);
        listener.close();
        assertFalse(listener.isOpen());
    }

    /** An existing path (a stale socket, a regular file) is never replaced: listen refuses it, naming it. */
    @Test
    void anExistingPathIsAddressInUse() throws IOException {
        Path path = freshSocketPath();
        try (IoListener first = IoChannels.listen(unixUri(path))) {
            BindException e = assertThrows(BindException.class, () -> IoChannels.listen(unixUri(path)));
            assertTrue(
                    e.getMessage().contains(unixUri(path)) && e.getMessage().contains("address in use"),
                    e.getMessage());
            assertTrue(first.isOpen(), "the failed listen must not disturb the first listener");
        }
        Path file = freshSocketPath();
        Files.writeString(file, "data");
        BindException e = assertThrows(BindException.class, () -> IoChannels.listen(unixUri(file)));
        assertTrue(e.getMessage().contains(unixUri(file)), e.getMessage());
        assertEquals("data", Files.readString(file), "a refused listen leaves the file alone");
    }

    @Test
    void connectingToAMissingPathIsRefusedNamingIt() {
        Path path = freshSocketPath();
        ConnectException e = assertThrows(ConnectException.class, () -> IoChannels.open(unixUri(path)));
        assertTrue(e.getMessage().contains(unixUri(path)), e.getMessage());
        assertTrue(e.getMessage().contains("refused"), e.getMessage());
    }

    @Test
    void connectingToARegularFileIsRefusedNamingIt() throws IOException {
        Path file = freshSocketPath();
        Files.writeString(file, "not a socket");
        IOException e = assertThrows(IOException.class, () -> IoChannels.open(unixUri(file)));
        assertTrue(e.getMessage().contains(unixUri(file)), e.getMessage());
    }
}

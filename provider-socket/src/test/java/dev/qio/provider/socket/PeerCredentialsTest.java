package dev.qio.provider.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qio.channel.IoChannel;
import dev.qio.channel.PeerCredentials;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code peerCredentials()}: SO_PEERCRED on native unix channels, a clear refusal everywhere else. */
@Timeout(30)
class PeerCredentialsTest {

    /** Both ends were made by this JVM, so each sees this process's pid and effective ids. */
    @Test
    void unixPeerIsThisProcessOnTheNativeBackendAndRefusedOnJavaNio() throws IOException {
        try (TestSupport.Connected c = TestSupport.Connected.over("unix")) {
            for (IoChannel ch : List.of(c.client(), c.server())) {
                if (TestSupport.nativeExpected()) {
                    PeerCredentials creds = ch.peerCredentials();
                    assertEquals(
                            new PeerCredentials(ProcessHandle.current().pid(), effective("Uid:"), effective("Gid:")),
                            creds);
                    assertEquals(creds.pid(), ch.peerPid());
                } else {
                    UnsupportedOperationException e =
                            assertThrows(UnsupportedOperationException.class, ch::peerCredentials);
                    assertTrue(
                            e.getMessage().contains("java.nio")
                                    && e.getMessage().contains(ch.name()),
                            e.getMessage());
                }
            }
            c.client().close();
            if (TestSupport.nativeExpected()) {
                assertThrows(ClosedChannelException.class, c.client()::peerCredentials);
            }
        }
    }

    @Test
    void tcpRefusesSayingTcpCarriesNone() throws IOException {
        try (TestSupport.Connected c = TestSupport.Connected.over("tcp4")) {
            UnsupportedOperationException e =
                    assertThrows(UnsupportedOperationException.class, c.client()::peerCredentials);
            assertTrue(
                    e.getMessage().contains("TCP")
                            && e.getMessage().contains(c.client().name()),
                    e.getMessage());
            assertThrows(UnsupportedOperationException.class, c.server()::peerPid);
        }
    }

    /** The effective id from {@code /proc/self/status} ("Uid:\treal\teffective\tsaved\tfs"). */
    private static long effective(String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith(field)) {
                return Long.parseLong(line.substring(field.length()).strip().split("\\s+")[1]);
            }
        }
        throw new IOException("no " + field + " in /proc/self/status");
    }
}

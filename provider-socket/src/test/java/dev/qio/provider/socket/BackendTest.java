package dev.qio.provider.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qio.channel.Availability;
import dev.qio.channel.ChannelRegistry;
import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.IoListener;
import dev.qio.channel.spi.linux.Linux;
import dev.qio.testkit.TestIo;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Which backend serves {@code tcp:} and {@code unix:}: the native one wherever it can run, the
 * {@code java.nio} one when it is turned off, and each usable by an explicit choice.
 */
@Timeout(30)
class BackendTest {

    @Test
    void theExpectedBackendServesTheSchemes() throws IOException {
        boolean expected = TestSupport.nativeExpected();
        assertEquals(expected, Linux.isAvailable(), "native backend available: " + Linux.unavailableReason());
        Class<?> channel = expected ? LinuxSocketChannel.class : SocketIoChannel.class;
        for (String listen : List.of("tcp://127.0.0.1:0", TestSupport.unixUri(TestSupport.freshSocketPath()))) {
            try (IoListener l = IoChannels.listen(listen);
                    IoChannel client = IoChannels.open(l.localUri());
                    IoChannel server = l.accept()) {
                assertInstanceOf(channel, client, listen);
                assertInstanceOf(channel, server, listen);
                client.writeAll(TestIo.ascii("hi"));
                assertEquals("hi", TestIo.readAscii(server, 2));
            }
        }
    }

    @Test
    void bothProvidersAreRankedAndTheUnavailableOneSaysWhy() {
        List<?> ranked = IoChannels.registry().candidates("tcp");
        assertEquals(2, ranked.size(), ranked.toString());
        LinuxSocketProvider nat = (LinuxSocketProvider) ranked.stream()
                .filter(LinuxSocketProvider.class::isInstance)
                .findFirst()
                .orElseThrow();
        assertEquals(100, nat.priority());
        assertEquals(0, new SocketProvider().priority());
        Availability a = nat.availability();
        if (TestSupport.nativeExpected()) {
            assertTrue(a.isAvailable());
            assertInstanceOf(LinuxSocketProvider.class, ranked.getFirst());
        } else {
            assertFalse(a.isAvailable());
            assertTrue(a.reason().contains("qio.native=false"), a.reason());
            assertInstanceOf(SocketProvider.class, ranked.getFirst());
        }
    }

    /**
     * {@code -Dqio.native.poller} picks where the poller dispatches: a virtual thread waiting on
     * a socket is woken either way, and only the platform mode has a platform dispatcher per
     * direction (the virtual mode has one platform thread, the master).
     */
    @Test
    void thePollerDispatchesWhereThePropertySays() throws Exception {
        Assumptions.assumeTrue(TestSupport.nativeExpected(), "the native backend is off in this run");
        try (IoListener l = IoChannels.listen("tcp://127.0.0.1:0");
                IoChannel client = IoChannels.open(l.localUri());
                IoChannel server = l.accept()) {
            Thread reader = Thread.ofVirtual().start(() -> {
                try {
                    assertEquals("ok", TestIo.readAscii(server, 2));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            while (reader.getState() != Thread.State.WAITING && reader.isAlive()) {
                Thread.onSpinWait(); // parked on the poller: the write below must wake it through a dispatcher
            }
            client.writeAll(TestIo.ascii("ok"));
            reader.join();
        }
        boolean platformMode = "platform".equals(System.getProperty(Linux.POLLER_PROPERTY));
        java.util.Set<String> platformThreads = Thread.getAllStackTraces().keySet().stream()
                .map(Thread::getName)
                .collect(java.util.stream.Collectors.toSet());
        assertEquals(platformMode, platformThreads.contains("qio-epoll-in"), platformThreads.toString());
        assertEquals(!platformMode, platformThreads.contains("qio-epoll-master"), platformThreads.toString());
    }

    /** A value a backend property does not take keeps the backend off and names the property and value. */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "qio.native.poller=fibers | is neither virtual nor platform",
                "qio.native.kernelReads=yes | is neither true nor false",
                "qio.native.readSpinMicros=fast | is not a number of microseconds (0 or more)",
                "qio.native.readSpinMicros=-1 | is not a number of microseconds (0 or more)",
            })
    void aValueNotTakenTurnsTheBackendOffAndSaysWhy(String property, String why) throws Exception {
        List<String> command = FdAdoptionTest.javaCommand();
        command.add(1, "-D" + property);
        command.add("backend:");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        assertTrue(out.contains("native backend: -D" + property + " " + why), out);
    }

    @Test
    void anExplicitChoiceWinsOverTheRanking() throws IOException {
        ChannelRegistry nio = IoChannels.registry().choose("tcp", SocketProvider.class.getName());
        try (IoListener l = nio.listen("tcp://127.0.0.1:0");
                IoChannel client = nio.open(l.localUri());
                IoChannel server = l.accept()) {
            assertInstanceOf(SocketIoChannel.class, client);
            server.writeAll(TestIo.ascii("ok"));
            assertEquals("ok", TestIo.readAscii(client, 2));
        }
        ChannelRegistry nat = IoChannels.registry().choose("tcp", LinuxSocketProvider.class.getName());
        if (!TestSupport.nativeExpected()) {
            UnsupportedOperationException e =
                    assertThrows(UnsupportedOperationException.class, () -> nat.listen("tcp://127.0.0.1:0"));
            assertTrue(e.getMessage().contains("qio.native=false"), e.getMessage());
        }
    }
}

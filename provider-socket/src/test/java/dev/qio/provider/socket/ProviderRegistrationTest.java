package dev.qio.provider.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qio.channel.ChannelRegistry;
import dev.qio.channel.Feature;
import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.IoListener;
import dev.qio.testkit.Registrations;
import dev.qio.testkit.TestIo;
import java.io.IOException;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The provider is found by scheme, and both of its registrations name the same classes. */
@Timeout(30)
class ProviderRegistrationTest {

    @Test
    void defaultRegistryFindsEachSchemeCaseInsensitively() {
        ChannelRegistry registry = IoChannels.registry();
        Class<?> expected = TestSupport.nativeExpected() ? LinuxSocketProvider.class : SocketProvider.class;
        for (String scheme : Set.of("tcp", "TCP", "Tcp", "unix", "UNIX")) {
            assertInstanceOf(expected, registry.provider(scheme).orElseThrow(), scheme);
        }
    }

    @Test
    void upperCaseUrisConnect() throws IOException {
        try (IoListener listener = IoChannels.listen("TCP://127.0.0.1:0");
                IoChannel client =
                        IoChannels.open(listener.localUri().toString().replace("tcp:", "TCP:"));
                IoChannel server = listener.accept()) {
            client.writeAll(TestIo.ascii("up"));
            assertEquals("up", TestIo.readAscii(server, 2));
        }
        String unix = TestSupport.unixUri(TestSupport.freshSocketPath());
        try (IoListener listener = IoChannels.listen(unix.replace("unix:", "UNIX:"));
                IoChannel client = IoChannels.open(unix);
                IoChannel server = listener.accept()) {
            server.writeAll(TestIo.ascii("up"));
            assertEquals("up", TestIo.readAscii(client, 2));
        }
    }

    @Test
    void explicitRegistryOfThisProviderWorks() throws IOException {
        ChannelRegistry registry = ChannelRegistry.of(new SocketProvider());
        assertEquals(Set.of("tcp", "unix"), registry.schemes());
        try (IoListener listener = registry.listen("tcp://127.0.0.1:0");
                IoChannel client = registry.open(listener.localUri());
                IoChannel server = listener.accept()) {
            assertEquals(listener.localUri().toString(), client.name());
            assertTrue(listener.features().contains(Feature.LISTEN));
            client.writeAll(TestIo.ascii("x"));
            assertEquals("x", TestIo.readAscii(server, 1));
        }
    }

    @Test
    void featuresPerScheme() {
        SocketProvider p = new SocketProvider();
        for (String scheme : Set.of("tcp", "UNIX")) {
            assertTrue(
                    p.features(scheme).containsAll(Set.of(Feature.SHUTDOWN, Feature.CONCURRENT_IO, Feature.LISTEN)),
                    scheme);
            assertFalse(
                    p.features(scheme).contains(Feature.FD_PASS),
                    scheme + ": java.nio cannot pass descriptors, so no socket channel advertises FD_PASS");
        }
        LinuxSocketProvider n = new LinuxSocketProvider();
        assertEquals(
                Set.of(Feature.SHUTDOWN, Feature.CONCURRENT_IO, Feature.LISTEN, Feature.READ_MSG_PEEK),
                n.features("tcp"));
        assertEquals(
                Set.of(Feature.SHUTDOWN, Feature.CONCURRENT_IO, Feature.LISTEN, Feature.READ_MSG_PEEK, Feature.FD_PASS),
                n.features("UNIX"),
                "the native backend passes descriptors on unix only");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.features("mem"));
        assertTrue(e.getMessage().contains("mem"), e.getMessage());
    }

    @Test
    void servicesFileAndModuleDescriptorAgree() throws IOException {
        Set<String> listed = Registrations.assertAgree(SocketProvider.class);
        assertEquals(
                Set.of(SocketProvider.class.getName(), LinuxSocketProvider.class.getName(), FdProvider.class.getName()),
                listed);
    }
}

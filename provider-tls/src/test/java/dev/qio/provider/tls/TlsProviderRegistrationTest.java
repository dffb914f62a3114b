package dev.qio.provider.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qio.channel.Feature;
import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.IoListener;
import dev.qio.testkit.Background;
import dev.qio.testkit.Registrations;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The layer is found for {@code tls+SCHEME}, both registrations agree, and it says what it is. */
@Timeout(60)
class TlsProviderRegistrationTest {
    @Test
    void theRegistryHandsEveryTlsPlusSchemeToTheLayer() {
        for (String scheme : Set.of("tls+tcp", "TLS+tcp", "tls+unix", "tls+mem")) {
            assertInstanceOf(
                    TlsProvider.class,
                    IoChannels.registry().providerFor(java.net.URI.create(scheme + "://x:1")),
                    scheme);
        }
    }

    @Test
    void servicesFileAndModuleDescriptorAgree() throws Exception {
        assertEquals(Set.of(TlsProvider.class.getName()), Registrations.assertAgree(TlsProvider.class));
    }

    @Test
    void aBareTlsUriSaysItIsALayer() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> IoChannels.open("tls://127.0.0.1:1?" + TlsFixtures.credsQuery()));
        assertTrue(e.getMessage().contains("tls+SCHEME"), e.getMessage());
    }

    @Test
    void featuresComeFromTheInnerChannelButNeverFdPassing() throws Exception {
        String name = TlsFixtures.memName();
        try (IoListener listener = IoChannels.listen("tls+mem://" + name + "?" + TlsFixtures.credsQuery());
                Background<IoChannel> accepted = TlsTestSupport.accept(listener);
                IoChannel client = IoChannels.open("tls+mem://" + name + "?" + TlsFixtures.credsQuery());
                IoChannel server = accepted.result()) {
            // mem:// has SHUTDOWN, CONCURRENT_IO and FD_PASS; TLS keeps the first two only
            assertEquals(Set.of(Feature.SHUTDOWN, Feature.CONCURRENT_IO), client.features());
            assertEquals(Set.of(Feature.SHUTDOWN, Feature.CONCURRENT_IO), server.features());
            assertTrue(client.name().startsWith("tls+mem://" + name), client.name());
        }
    }
}

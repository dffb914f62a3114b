package org.example.qio.gzip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qio.channel.IoChannels;
import dev.qio.testkit.Registrations;
import java.io.IOException;
import java.net.URI;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Both registrations agree, and the registry routes gzip+SCHEME to this layer. */
class ProviderRegistrationTest {

    @Test
    void servicesFileAndModuleDescriptorAgree() throws IOException {
        assertEquals(Set.of(GzipProvider.class.getName()), Registrations.assertAgree(GzipProvider.class));
    }

    @Test
    void registryFindsTheLayer() {
        assertInstanceOf(GzipProvider.class, IoChannels.registry().provider("gzip").orElseThrow());
        assertInstanceOf(GzipProvider.class, IoChannels.registry().providerFor(URI.create("GZIP+file:///tmp/x.gz")));
        assertTrue(new GzipProvider().isLayer());
    }

    @Test
    void innerUriKeepsEverythingButThePrefix() {
        assertEquals(URI.create("file:///tmp/x.gz?mode=w"), GzipProvider.inner(URI.create("gzip+file:///tmp/x.gz?mode=w")));
        assertEquals(URI.create("mem://a?capacity=16"), GzipProvider.inner(URI.create("Gzip+mem://a?capacity=16")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GzipProvider.inner(URI.create("gzip:///tmp/x")));
        assertTrue(e.getMessage().contains("gzip+SCHEME"), e.getMessage());
    }

    @Test
    void innerOptionsAreCheckedByTheInnerProvider() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> IoChannels.open("gzip+file:///tmp/qio-gzip-x.gz?level=9"));
        assertTrue(e.getMessage().contains("level"), e.getMessage());
    }
}

package dev.qio.channel.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A layered URI splits into the layer's options and the inner URI with everything else. */
class LayerUriTest {
    private static final Set<String> MINE = Set.of("creds-dir", "authz");

    @Test
    void layerOptionsStayWithTheLayerAndTheRestGoInside() {
        LayerUri u = LayerUri.split(
                URI.create("tls+tcp://h:443?creds-dir=/etc/pki&nodelay=true&authz=CN%3Da*&authz=CN%3Db*"), "tls", MINE);
        assertEquals(URI.create("tcp://h:443?nodelay=true"), u.inner());
        assertEquals("/etc/pki", u.layer().string("creds-dir").orElseThrow());
        assertEquals(List.of("CN=a*", "CN=b*"), u.layer().all("authz"));
        u.layer().finish(); // nothing else is on the layer's side
    }

    @Test
    void anOptionNeitherSideKnowsIsLeftForTheInnerProviderToReject() {
        LayerUri u = LayerUri.split(URI.create("tls+mem://x?creds-dirr=/tmp"), "tls", MINE);
        assertEquals(URI.create("mem://x?creds-dirr=/tmp"), u.inner());
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> UriOptions.of(u.inner()).finish());
        assertTrue(e.getMessage().contains("creds-dirr"), e.getMessage());
    }

    @Test
    void opaqueAndPathUrisKeepTheirShape() {
        assertEquals(
                URI.create("unix:///run/x.sock"),
                LayerUri.split(URI.create("tls+unix:///run/x.sock?creds-dir=d"), "tls", MINE)
                        .inner());
        assertEquals(
                URI.create("command:cat?arg=-u"),
                LayerUri.split(URI.create("gzip+command:cat?arg=-u"), "gzip", Set.of())
                        .inner());
        assertEquals(
                URI.create("null:?"),
                LayerUri.split(URI.create("tls+null:?"), "tls", MINE).inner());
    }

    @Test
    void theSchemeMatchesCaseInsensitively() {
        assertEquals(
                URI.create("tcp://h:1"),
                LayerUri.split(URI.create("TLS+tcp://h:1"), "tls", MINE).inner());
    }

    @Test
    void aUriThatIsNotThisLayerIsRefusedWithTheFormToUse() {
        for (String bad : List.of("tls://h:1", "tcp://h:1", "tls+:x")) {
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class, () -> LayerUri.split(URI.create(bad), "tls", MINE), bad);
            assertTrue(e.getMessage().contains("tls+SCHEME"), e.getMessage());
        }
    }
}

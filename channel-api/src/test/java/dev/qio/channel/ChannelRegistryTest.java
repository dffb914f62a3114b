package dev.qio.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** How {@link ChannelRegistry} routes a URI to a provider; the providers only record what they got. */
class ChannelRegistryTest {

    /**
     * A provider that records every URI it is asked to open, and the registry that asked. It
     * returns {@code null} from {@code open}: the registry only routes, so no channel is needed.
     */
    abstract static class RecordingProvider implements ChannelProvider {
        private final Set<String> schemes;
        final List<URI> opened = new ArrayList<>();
        final List<ChannelRegistry> registries = new ArrayList<>();

        RecordingProvider(String... schemes) {
            this.schemes = Set.of(schemes);
        }

        @Override
        public Set<String> schemes() {
            return schemes;
        }

        @Override
        public Set<Feature> features(String scheme) {
            return Set.of();
        }

        @Override
        public IoChannel open(URI uri, ChannelRegistry registry) {
            opened.add(uri);
            registries.add(registry);
            return null;
        }
    }

    static final class Alpha extends RecordingProvider {
        Alpha(String... schemes) {
            super(schemes);
        }
    }

    static final class Beta extends RecordingProvider {
        Beta(String... schemes) {
            super(schemes);
        }
    }

    static final class Gamma extends RecordingProvider {
        Gamma(String... schemes) {
            super(schemes);
        }
    }

    /** A layer provider ({@code NAME+INNER://}). */
    static final class Layer extends RecordingProvider {
        Layer(String... schemes) {
            super(schemes);
        }

        @Override
        public boolean isLayer() {
            return true;
        }
    }

    // ---- scheme matching ----------------------------------------------------------------------

    @Test
    void schemesMatchCaseInsensitively() throws Exception {
        Alpha tcp = new Alpha("tcp");
        ChannelRegistry registry = ChannelRegistry.of(tcp);

        assertNull(registry.open("TCP://x:1"));
        registry.open("Tcp://y:2");

        assertEquals(List.of(URI.create("TCP://x:1"), URI.create("Tcp://y:2")), tcp.opened);
    }

    @Test
    void openHandsTheProviderTheRegistryThatChoseIt() throws Exception {
        Alpha tcp = new Alpha("tcp");
        ChannelRegistry registry = ChannelRegistry.of(tcp);

        registry.open("tcp://x:1");

        assertEquals(1, tcp.registries.size());
        assertSame(registry, tcp.registries.getFirst());
    }

    @Test
    void providerForPicksTheProviderOfTheScheme() {
        Alpha tcp = new Alpha("tcp");
        Beta unix = new Beta("unix");
        ChannelRegistry registry = ChannelRegistry.of(tcp, unix);

        assertSame(unix, registry.providerFor(URI.create("unix:///tmp/s")));
        assertSame(tcp, registry.providerFor(URI.create("tcp://h:1")));
    }

    @Test
    void unknownSchemeListsTheInstalledSchemes() {
        ChannelRegistry registry = ChannelRegistry.of(new Alpha("tcp", "unix"), new Beta("mem"));

        UnknownSchemeException e = assertThrows(UnknownSchemeException.class, () -> registry.open("ftp://h/x"));

        assertEquals("ftp", e.scheme());
        assertEquals(List.of("mem", "tcp", "unix"), e.installed());
        assertTrue(e.getMessage().contains("'ftp'"), e.getMessage());
        assertTrue(e.getMessage().contains("mem, tcp, unix"), e.getMessage());
    }

    @Test
    void unknownSchemeInAnEmptyRegistrySaysNoneIsInstalled() {
        UnknownSchemeException e = assertThrows(
                UnknownSchemeException.class, () -> ChannelRegistry.of().open("tcp://h:1"));

        assertEquals(List.of(), e.installed());
        assertTrue(e.getMessage().contains("(none)"), e.getMessage());
    }

    @Test
    void uriWithoutSchemeIsRefusedNamingTheInstalledSchemes() {
        ChannelRegistry registry = ChannelRegistry.of(new Alpha("tcp"), new Beta("mem"));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> registry.open("just/a/path"));

        assertTrue(e.getMessage().contains("'just/a/path'"), e.getMessage());
        assertTrue(e.getMessage().contains("mem, tcp"), e.getMessage());
    }

    // ---- clashes ------------------------------------------------------------------------------

    @Test
    void twoProvidersOfOneSchemeIsAnErrorNamingBothWhenThatSchemeIsUsed() {
        ChannelRegistry registry = ChannelRegistry.of(new Alpha("tcp"), new Beta("tcp"));

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> registry.open("tcp://h:1"));

        assertTrue(e.getMessage().contains(Alpha.class.getName()), e.getMessage());
        assertTrue(e.getMessage().contains(Beta.class.getName()), e.getMessage());
    }

    @Test
    void aClashDoesNotAffectOtherSchemes() throws Exception {
        Alpha alpha = new Alpha("tcp", "unix");
        ChannelRegistry registry = ChannelRegistry.of(alpha, new Beta("tcp"));

        registry.open("unix:///tmp/s");

        assertEquals(List.of(URI.create("unix:///tmp/s")), alpha.opened);
    }

    @Test
    void chooseResolvesAClash() throws Exception {
        Alpha alpha = new Alpha("tcp");
        Beta beta = new Beta("tcp");
        ChannelRegistry registry = ChannelRegistry.of(alpha, beta).choose("TCP", Beta.class.getName());

        registry.open("tcp://h:1");

        assertEquals(List.of(URI.create("tcp://h:1")), beta.opened);
        assertEquals(List.of(), alpha.opened);
    }

    @Test
    void chooseReturnsANewRegistryAndLeavesTheOriginalUnchanged() {
        ChannelRegistry original = ChannelRegistry.of(new Alpha("tcp"), new Beta("tcp"));

        original.choose("tcp", Alpha.class.getName());

        assertThrows(IllegalStateException.class, () -> original.open("tcp://h:1"));
    }

    @Test
    void chooseWithAClassThatDoesNotClaimTheSchemeIsRefused() {
        ChannelRegistry registry = ChannelRegistry.of(new Alpha("tcp"), new Beta("tcp"), new Gamma("unix"));

        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> registry.choose("tcp", Gamma.class.getName()));

        assertTrue(e.getMessage().contains(Gamma.class.getName()), e.getMessage());
        assertTrue(e.getMessage().contains("tcp"), e.getMessage());
    }

    // ---- availability and priority ------------------------------------------------------------

    /** A provider with a priority and an availability of the test's choosing. */
    static final class Ranked extends RecordingProvider {
        final int priority;
        final Availability availability;

        Ranked(int priority, Availability availability, String... schemes) {
            super(schemes);
            this.priority = priority;
            this.availability = availability;
        }

        @Override
        public int priority() {
            return priority;
        }

        @Override
        public Availability availability() {
            return availability;
        }
    }

    @Test
    void theHigherPriorityServesASchemeClaimedTwice() throws Exception {
        Alpha low = new Alpha("tcp");
        Ranked high = new Ranked(100, Availability.available(), "tcp");

        ChannelRegistry.of(low, high).open("tcp://h:1");

        assertEquals(List.of(URI.create("tcp://h:1")), high.opened);
        assertEquals(List.of(), low.opened);
    }

    @Test
    void anUnavailableProviderIsPassedOverWhateverItsPriority() throws Exception {
        Alpha fallback = new Alpha("tcp");
        Ranked nat = new Ranked(100, Availability.unavailable("not Linux"), "tcp");
        ChannelRegistry registry = ChannelRegistry.of(nat, fallback);

        registry.open("tcp://h:1");

        assertEquals(List.of(URI.create("tcp://h:1")), fallback.opened);
        assertEquals(List.of(fallback, nat), registry.candidates("TCP"), "available first, then by priority");
    }

    @Test
    void aSchemeWithNoAvailableProviderNamesEachWithItsReason() {
        ChannelRegistry registry = ChannelRegistry.of(
                new Ranked(100, Availability.unavailable("not Linux"), "tcp"),
                new Ranked(0, Availability.unavailable("no network"), "tcp"));

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> registry.open("tcp://h:1"));

        assertTrue(e.getMessage().contains("not Linux") && e.getMessage().contains("no network"), e.getMessage());
        assertTrue(e.getMessage().contains("'tcp'"), e.getMessage());
    }

    @Test
    void anExplicitChoiceBeatsAHigherPriority() throws Exception {
        Alpha low = new Alpha("tcp");
        Ranked high = new Ranked(100, Availability.available(), "tcp");

        ChannelRegistry.of(low, high).choose("tcp", Alpha.class.getName()).open("tcp://h:1");

        assertEquals(List.of(URI.create("tcp://h:1")), low.opened);
        assertEquals(List.of(), high.opened);
    }

    @Test
    void anUnavailableProviderMustSayWhy() {
        assertThrows(IllegalArgumentException.class, () -> Availability.unavailable(" "));
        assertTrue(Availability.available().isAvailable());
    }

    // ---- layers -------------------------------------------------------------------------------

    @Test
    void layeredSchemeGoesToTheLayerProviderOfItsFirstPart() throws Exception {
        Layer tls = new Layer("tls");
        Alpha tcp = new Alpha("tcp");
        ChannelRegistry registry = ChannelRegistry.of(tls, tcp);

        registry.open("tls+tcp://h:1");

        assertEquals(List.of(URI.create("tls+tcp://h:1")), tls.opened);
        assertEquals(List.of(), tcp.opened);
    }

    @Test
    void layeredSchemeMatchesCaseInsensitively() throws Exception {
        Layer tls = new Layer("tls");
        ChannelRegistry registry = ChannelRegistry.of(tls, new Alpha("tcp"));

        registry.open("TLS+Tcp://h:1");

        assertEquals(List.of(URI.create("TLS+Tcp://h:1")), tls.opened);
    }

    @Test
    void exactProviderOfACombinedSchemeWinsOverTheLayer() throws Exception {
        Layer tls = new Layer("tls");
        Alpha combined = new Alpha("tls+tcp");
        ChannelRegistry registry = ChannelRegistry.of(tls, combined);

        registry.open("tls+tcp://h:1");

        assertEquals(List.of(URI.create("tls+tcp://h:1")), combined.opened);
        assertEquals(List.of(), tls.opened);
    }

    @Test
    void nonLayerProviderDoesNotGetACombinedScheme() {
        Alpha a = new Alpha("a");
        ChannelRegistry registry = ChannelRegistry.of(a, new Beta("b"));

        UnknownSchemeException e = assertThrows(UnknownSchemeException.class, () -> registry.open("a+b://x"));

        assertEquals("a+b", e.scheme());
        assertEquals(List.of(), a.opened);
    }

    // ---- listen, listing ----------------------------------------------------------------------

    @Test
    void providerThatDoesNotOverrideListenRefusesIt() {
        ChannelRegistry registry = ChannelRegistry.of(new Alpha("tcp"));

        UnsupportedOperationException e =
                assertThrows(UnsupportedOperationException.class, () -> registry.listen("tcp://h:1"));

        assertTrue(e.getMessage().contains("tcp"), e.getMessage());
    }

    @Test
    void providersKeepsTheOrderGiven() {
        Gamma g = new Gamma("g");
        Alpha a = new Alpha("a");
        Beta b = new Beta("b");

        assertEquals(List.of(g, a, b), ChannelRegistry.of(g, a, b).providers());
    }

    @Test
    void schemesAreLowerCaseAndSorted() {
        ChannelRegistry registry = ChannelRegistry.of(new Alpha("Zeta", "alpha"), new Beta("MID"));

        assertEquals(List.of("alpha", "mid", "zeta"), List.copyOf(registry.schemes()));
    }

    @Test
    void providerLooksUpExactlyOneSchemeCaseInsensitively() {
        Alpha tcp = new Alpha("tcp");
        ChannelRegistry registry = ChannelRegistry.of(tcp, new Layer("tls"));

        assertSame(tcp, registry.provider("TCP").orElseThrow());
        assertTrue(registry.provider("tls+tcp").isEmpty(), "provider(scheme) does no layer lookup");
    }

    @Test
    void loaderThatSeesNoProvidersGivesAnEmptyRegistry() {
        ChannelRegistry registry = ChannelRegistry.load(new ClassLoader(null) {});

        assertEquals(List.of(), registry.providers());
        assertEquals(Set.of(), registry.schemes());
    }

    // ---- parse ----------------------------------------------------------------------------------

    @Test
    void parseAcceptsASchemeWithNothingAfterIt() {
        URI uri = ChannelRegistry.parse("null:");

        assertEquals("null", uri.getScheme());
    }

    @Test
    void openOfASchemeOnlyStringHandsTheProviderAnEmptyQuery() throws Exception {
        Alpha nul = new Alpha("null");

        ChannelRegistry.of(nul).open("null:");

        assertEquals(List.of(URI.create("null:?")), nul.opened);
    }

    @Test
    void parseAcceptsAnOpaqueUriWithAQuery() {
        URI uri = ChannelRegistry.parse("buffer:?capacity=8");

        assertEquals("buffer", uri.getScheme());
        assertEquals("?capacity=8", uri.getSchemeSpecificPart());
    }

    @Test
    void parseKeepsPercentEncodingOfAnOpaqueUri() {
        URI uri = ChannelRegistry.parse("command:cat?arg=a%20b");

        assertEquals("command", uri.getScheme());
        assertEquals("cat?arg=a%20b", uri.getRawSchemeSpecificPart());
    }

    @Test
    void parseRefusesAMalformedStringQuotingIt() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> ChannelRegistry.parse("tcp://host:80/a b"));

        assertTrue(e.getMessage().contains("'tcp://host:80/a b'"), e.getMessage());
    }
}

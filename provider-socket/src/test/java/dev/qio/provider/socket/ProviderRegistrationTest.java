package dev.qio.provider.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qio.channel.ChannelProvider;
import dev.qio.channel.ChannelRegistry;
import dev.qio.channel.Feature;
import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.IoListener;
import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The provider is found by scheme, and both of its registrations name the same classes. */
@Timeout(30)
class ProviderRegistrationTest {

    @Test
    void defaultRegistryFindsEachSchemeCaseInsensitively() {
        ChannelRegistry registry = IoChannels.registry();
        for (String scheme : Set.of("tcp", "TCP", "Tcp", "unix", "UNIX")) {
            assertInstanceOf(SocketProvider.class, registry.provider(scheme).orElseThrow(), scheme);
        }
    }

    @Test
    void upperCaseUrisConnect() throws IOException {
        try (IoListener listener = IoChannels.listen("TCP://127.0.0.1:0");
                IoChannel client = IoChannels.open(listener.localUri().toString().replace("tcp:", "TCP:"));
                IoChannel server = listener.accept()) {
            client.writeAll(TestSupport.ascii("up"));
            assertEquals("up", TestSupport.readAscii(server, 2));
        }
        String unix = TestSupport.unixUri(TestSupport.freshSocketPath());
        try (IoListener listener = IoChannels.listen(unix.replace("unix:", "UNIX:"));
                IoChannel client = IoChannels.open(unix);
                IoChannel server = listener.accept()) {
            server.writeAll(TestSupport.ascii("up"));
            assertEquals("up", TestSupport.readAscii(client, 2));
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
            client.writeAll(TestSupport.ascii("x"));
            assertEquals("x", TestSupport.readAscii(server, 1));
        }
    }

    @Test
    void featuresPerScheme() {
        SocketProvider p = new SocketProvider();
        for (String scheme : Set.of("tcp", "UNIX")) {
            assertTrue(p.features(scheme).containsAll(Set.of(Feature.SHUTDOWN, Feature.CONCURRENT_IO, Feature.LISTEN)), scheme);
            assertFalse(p.features(scheme).contains(Feature.FD_PASS),
                    scheme + ": java.nio cannot pass descriptors, so no socket channel advertises FD_PASS");
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.features("mem"));
        assertTrue(e.getMessage().contains("mem"), e.getMessage());
    }

    @Test
    void servicesFileAndModuleDescriptorAgree() throws IOException {
        Set<String> listed = assertRegistrationsAgree(SocketProvider.class, ChannelProvider.class);
        assertEquals(Set.of(SocketProvider.class.getName()), listed);
        Module module = SocketProvider.class.getModule();
        if (module.isNamed()) { // module-path run: the runtime's view must agree with the class file
            ModuleDescriptor.Provides provides = module.getDescriptor().provides().stream()
                    .filter(p -> p.service().equals(ChannelProvider.class.getName())).findFirst().orElseThrow();
            assertEquals(listed, new TreeSet<>(provides.providers()));
        }
    }

    // ---- registration agreement (as provider-memory's ProviderRegistrationTest) ----------------

    /**
     * Asserts that the {@code META-INF/services} file and the {@code module-info.class} of the code
     * root that holds {@code anchor} name exactly the same providers of {@code service}, and that
     * there is at least one. Reads both from that root (a directory or a jar), so other roots on
     * the path cannot answer for it; works on the module path and on the class path.
     *
     * @return the provider class names both registrations list
     */
    static Set<String> assertRegistrationsAgree(Class<?> anchor, Class<?> service) throws IOException {
        URL root = anchor.getProtectionDomain().getCodeSource().getLocation();
        Set<String> listed;
        try (InputStream in = resource(root, "META-INF/services/" + service.getName()).openStream()) {
            listed = servicesFileEntries(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        ModuleDescriptor descriptor;
        try (InputStream in = resource(root, "module-info.class").openStream()) {
            descriptor = ModuleDescriptor.read(in);
        }
        Set<String> provided = new TreeSet<>();
        descriptor.provides().stream().filter(p -> p.service().equals(service.getName()))
                .forEach(p -> provided.addAll(p.providers()));
        assertFalse(listed.isEmpty(), root + ": META-INF/services lists no " + service.getName());
        assertEquals(provided, listed, root + ": module " + descriptor.name()
                + " 'provides' and META-INF/services disagree about " + service.getName());
        return listed;
    }

    /** The class names of a services file: one a line, {@code #} starts a comment. */
    private static Set<String> servicesFileEntries(String text) {
        Set<String> names = new TreeSet<>();
        for (String line : text.split("\\R")) {
            int hash = line.indexOf('#');
            String name = (hash < 0 ? line : line.substring(0, hash)).strip();
            if (!name.isEmpty()) {
                names.add(name);
            }
        }
        return names;
    }

    private static URL resource(URL root, String path) throws IOException {
        try {
            String text = root.toString();
            if (text.endsWith(".jar")) {
                return URI.create("jar:" + text + "!/" + path).toURL();
            }
            return root.toURI().resolve(path).toURL();
        } catch (URISyntaxException e) {
            throw new IOException("bad code source " + root, e);
        }
    }
}

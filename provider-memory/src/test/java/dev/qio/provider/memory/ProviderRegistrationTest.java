package dev.qio.provider.memory;

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
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The provider is found by scheme, and both of its registrations name the same classes. */
class ProviderRegistrationTest {

    @Test
    void defaultRegistryFindsEachSchemeCaseInsensitively() throws IOException {
        ChannelRegistry registry = IoChannels.registry();
        for (String scheme : Set.of("mem", "MEM", "Buffer", "null", "NULL")) {
            assertInstanceOf(MemoryProvider.class, registry.provider(scheme).orElseThrow(), scheme);
        }
        try (IoChannel nul = IoChannels.open("NULL:"); IoChannel buf = IoChannels.open("Buffer:")) {
            assertEquals(IoChannel.EOF, nul.read(ByteBuffer.allocate(1)));
            assertEquals(Set.of(Feature.SEEKABLE), buf.features());
        }
    }

    @Test
    void upperCaseMemUriReachesTheListener() throws IOException {
        String name = TestSupport.uniqueName("case");
        try (IoListener listener = IoChannels.listen("mem://" + name);
                IoChannel client = IoChannels.open("MEM://" + name);
                IoChannel server = listener.accept()) {
            client.writeAll(TestSupport.ascii("up"));
            ByteBuffer got = ByteBuffer.allocate(2);
            server.readAll(got);
            assertEquals("up", TestSupport.written(got));
        }
    }

    @Test
    void explicitRegistryOfThisProviderWorks() throws IOException {
        ChannelRegistry registry = ChannelRegistry.of(new MemoryProvider());
        assertEquals(Set.of("buffer", "mem", "null"), registry.schemes());
        try (IoChannel buf = registry.open("buffer:?capacity=8")) {
            assertEquals(3, buf.write(TestSupport.ascii("abc")));
        }
        String name = TestSupport.uniqueName("explicit");
        try (IoListener listener = registry.listen("mem://" + name); IoChannel client = registry.open("mem://" + name)) {
            assertEquals("mem://" + name, client.name());
            assertTrue(listener.features().contains(Feature.LISTEN));
        }
    }

    @Test
    void featuresPerScheme() {
        MemoryProvider p = new MemoryProvider();
        assertTrue(p.features("mem").containsAll(Set.of(Feature.SHUTDOWN, Feature.CONCURRENT_IO)));
        assertEquals(Set.of(Feature.SEEKABLE), p.features("BUFFER"));
        assertEquals(Set.of(), p.features("null"));
        assertThrows(IllegalArgumentException.class, () -> p.features("tcp"));
    }

    @Test
    void onlyMemListens() {
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> IoChannels.listen("buffer:"));
        assertTrue(e.getMessage().contains("buffer"), e.getMessage());
        assertThrows(UnsupportedOperationException.class, () -> IoChannels.listen("null:"));
    }

    @Test
    void servicesFileAndModuleDescriptorAgree() throws IOException {
        Set<String> listed = assertRegistrationsAgree(MemoryProvider.class, ChannelProvider.class);
        assertEquals(Set.of(MemoryProvider.class.getName()), listed);
        Module module = MemoryProvider.class.getModule();
        if (module.isNamed()) { // module-path run: the runtime's view must agree with the class file
            ModuleDescriptor.Provides provides = module.getDescriptor().provides().stream()
                    .filter(p -> p.service().equals(ChannelProvider.class.getName())).findFirst().orElseThrow();
            assertEquals(listed, new TreeSet<>(provides.providers()));
        }
    }

    // ---- registration agreement: reusable by any provider's tests --------------------------

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

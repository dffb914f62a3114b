package dev.qio.provider.file;

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
import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The provider is found by scheme through ServiceLoader, and both of its registrations agree. */
class ProviderRegistrationTest {
    @TempDir
    Path dir;

    @Test
    void defaultRegistryFindsFileCaseInsensitively() throws IOException {
        for (String scheme : Set.of("file", "FILE", "File")) {
            assertInstanceOf(FileProvider.class, IoChannels.registry().provider(scheme).orElseThrow(), scheme);
        }
        Path f = dir.resolve("found");
        Files.writeString(f, "by scheme");
        try (IoChannel ch = IoChannels.open("FILE://" + f)) {
            ByteBuffer b = ByteBuffer.allocate(9);
            ch.readAll(b);
            assertEquals("by scheme", TestSupport.written(b));
            assertEquals(Set.of(Feature.SEEKABLE), ch.features());
        }
    }

    @Test
    void explicitRegistryOfThisProviderWorks() throws IOException {
        ChannelRegistry registry = ChannelRegistry.of(new FileProvider());
        assertEquals(Set.of("file"), registry.schemes());
        Path f = dir.resolve("explicit");
        try (IoChannel ch = registry.open(TestSupport.uri(f, "mode=w"))) {
            assertEquals(TestSupport.uri(f, "mode=w"), ch.name());
            assertEquals(3, ch.write(TestSupport.ascii("abc")));
        }
    }

    @Test
    void featuresAndListening() {
        FileProvider p = new FileProvider();
        assertEquals(Set.of(Feature.SEEKABLE), p.features("file"));
        assertEquals(Set.of(Feature.SEEKABLE), p.features("FILE"));
        assertThrows(IllegalArgumentException.class, () -> p.features("tcp"));
        assertFalse(p.isLayer());
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> IoChannels.listen(TestSupport.uri(dir.resolve("nope"), "")));
        assertTrue(e.getMessage().contains("file"), e.getMessage());
    }

    @Test
    void servicesFileAndModuleDescriptorAgree() throws IOException {
        Set<String> listed = assertRegistrationsAgree(FileProvider.class, ChannelProvider.class);
        assertEquals(Set.of(FileProvider.class.getName()), listed);
        Module module = FileProvider.class.getModule();
        if (module.isNamed()) { // module-path run: the runtime's view must agree with the class file
            assertEquals("dev.qio.provider.file", module.getName());
            ModuleDescriptor.Provides provides = module.getDescriptor().provides().stream()
                    .filter(p -> p.service().equals(ChannelProvider.class.getName())).findFirst().orElseThrow();
            assertEquals(listed, new TreeSet<>(provides.providers()));
            assertEquals(Set.of("dev.qio.provider.file"), module.getDescriptor().exports().stream()
                    .map(ModuleDescriptor.Exports::source).collect(java.util.stream.Collectors.toSet()));
        }
    }

    /**
     * Asserts that the {@code META-INF/services} file and the {@code module-info.class} of the code
     * root that holds {@code anchor} name exactly the same providers of {@code service}, and at
     * least one. Reads both from that root, so other roots on the path cannot answer for it.
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

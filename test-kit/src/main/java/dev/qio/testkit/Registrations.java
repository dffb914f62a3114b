package dev.qio.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.qio.channel.ChannelProvider;
import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks a provider's two registrations: {@code provides} in {@code module-info.java} (read on the
 * module path) and {@code META-INF/services} (read on the class path, written by
 * the AutoService annotation processor). Both must name the same classes, or the provider is found on one path and
 * missing on the other.
 *
 * <pre>{@code
 * @Test void registrationsAgree() throws IOException {
 *     assertEquals(Set.of(MyProvider.class.getName()), Registrations.assertAgree(MyProvider.class));
 * }
 * }</pre>
 */
public final class Registrations {
    private Registrations() {}

    /**
     * Asserts that the services file and the {@code module-info.class} of the code root holding
     * {@code anchor} (a directory or a jar) list exactly the same {@link ChannelProvider}s, at least
     * one. Both are read from that root, so other roots on the path cannot answer for it; works on
     * the module path and on the class path. On the module path it also checks the runtime's view
     * of the module.
     *
     * @return the provider class names both registrations list
     */
    public static Set<String> assertAgree(Class<?> anchor) throws IOException {
        String service = ChannelProvider.class.getName();
        URL root = anchor.getProtectionDomain().getCodeSource().getLocation();
        Set<String> listed;
        try (InputStream in = resource(root, "META-INF/services/" + service).openStream()) {
            listed = servicesFileEntries(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        ModuleDescriptor descriptor;
        try (InputStream in = resource(root, "module-info.class").openStream()) {
            descriptor = ModuleDescriptor.read(in);
        }
        assertFalse(listed.isEmpty(), root + ": META-INF/services lists no " + service);
        assertEquals(
                provided(descriptor, service),
                listed,
                root + ": module " + descriptor.name() + " 'provides' and META-INF/services disagree");
        Module module = anchor.getModule();
        if (module.isNamed()) {
            assertEquals(listed, provided(module.getDescriptor(), service), "the running module " + module.getName());
        }
        return listed;
    }

    private static Set<String> provided(ModuleDescriptor descriptor, String service) {
        Set<String> names = new TreeSet<>();
        descriptor.provides().stream()
                .filter(p -> p.service().equals(service))
                .forEach(p -> names.addAll(p.providers()));
        return names;
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

package dev.qio.provider.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qio.channel.ChannelRegistry;
import dev.qio.channel.Feature;
import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.testkit.Registrations;
import dev.qio.testkit.TestIo;
import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The provider is found by scheme through ServiceLoader, and both of its registrations agree. */
class ProviderRegistrationTest {
    @TempDir
    Path dir;

    @Test
    void defaultRegistryFindsFileCaseInsensitively() throws IOException {
        for (String scheme : Set.of("file", "FILE", "File")) {
            assertInstanceOf(
                    FileProvider.class, IoChannels.registry().provider(scheme).orElseThrow(), scheme);
        }
        Path f = dir.resolve("found");
        Files.writeString(f, "by scheme");
        try (IoChannel ch = IoChannels.open("FILE://" + f)) {
            ByteBuffer b = ByteBuffer.allocate(9);
            ch.readAll(b);
            assertEquals("by scheme", TestIo.written(b));
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
            assertEquals(3, ch.write(TestIo.ascii("abc")));
        }
    }

    @Test
    void featuresAndListening() {
        FileProvider p = new FileProvider();
        assertEquals(Set.of(Feature.SEEKABLE), p.features("file"));
        assertEquals(Set.of(Feature.SEEKABLE), p.features("FILE"));
        assertThrows(IllegalArgumentException.class, () -> p.features("tcp"));
        assertFalse(p.isLayer());
        UnsupportedOperationException e = assertThrows(
                UnsupportedOperationException.class, () -> IoChannels.listen(TestSupport.uri(dir.resolve("nope"), "")));
        assertTrue(e.getMessage().contains("file"), e.getMessage());
    }

    @Test
    void servicesFileAndModuleDescriptorAgree() throws IOException {
        Set<String> listed = Registrations.assertAgree(FileProvider.class);
        assertEquals(Set.of(FileProvider.class.getName()), listed);
        Module module = FileProvider.class.getModule();
        if (module.isNamed()) { // module-path run: the one exported package is the programmatic API
            assertEquals(
                    Set.of("dev.qio.provider.file"),
                    module.getDescriptor().exports().stream()
                            .map(ModuleDescriptor.Exports::source)
                            .collect(java.util.stream.Collectors.toSet()));
        }
    }
}

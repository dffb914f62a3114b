package dev.qio.provider.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.nio.ByteBuffer;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The provider is found by scheme, and both of its registrations name the same classes. */
class ProviderRegistrationTest {

    @Test
    void defaultRegistryFindsEachSchemeCaseInsensitively() throws IOException {
        ChannelRegistry registry = IoChannels.registry();
        for (String scheme : Set.of("mem", "MEM", "Buffer", "null", "NULL")) {
            assertInstanceOf(MemoryProvider.class, registry.provider(scheme).orElseThrow(), scheme);
        }
        try (IoChannel nul = IoChannels.open("NULL:");
                IoChannel buf = IoChannels.open("Buffer:")) {
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
            client.writeAll(TestIo.ascii("up"));
            ByteBuffer got = ByteBuffer.allocate(2);
            server.readAll(got);
            assertEquals("up", TestIo.written(got));
        }
    }

    @Test
    void explicitRegistryOfThisProviderWorks() throws IOException {
        ChannelRegistry registry = ChannelRegistry.of(new MemoryProvider());
        assertEquals(Set.of("buffer", "mem", "null"), registry.schemes());
        try (IoChannel buf = registry.open("buffer:?capacity=8")) {
            assertEquals(3, buf.write(TestIo.ascii("abc")));
        }
        String name = TestSupport.uniqueName("explicit");
        try (IoListener listener = registry.listen("mem://" + name);
                IoChannel client = registry.open("mem://" + name)) {
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
        UnsupportedOperationException e =
                assertThrows(UnsupportedOperationException.class, () -> IoChannels.listen("buffer:"));
        assertTrue(e.getMessage().contains("buffer"), e.getMessage());
        assertThrows(UnsupportedOperationException.class, () -> IoChannels.listen("null:"));
    }

    @Test
    void servicesFileAndModuleDescriptorAgree() throws IOException {
        Set<String> listed = Registrations.assertAgree(MemoryProvider.class);
        assertEquals(Set.of(MemoryProvider.class.getName()), listed);
    }
}

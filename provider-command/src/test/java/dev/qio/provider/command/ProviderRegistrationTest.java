package dev.qio.provider.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.qio.channel.ChannelRegistry;
import dev.qio.channel.Feature;
import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.testkit.Registrations;
import dev.qio.testkit.TestIo;
import java.io.IOException;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The provider is found by scheme, and both of its registrations name the same class. */
@Timeout(30)
class ProviderRegistrationTest {

    @Test
    void defaultRegistryFindsTheSchemeCaseInsensitively() throws IOException {
        for (String scheme : Set.of("command", "COMMAND", "Command")) {
            assertInstanceOf(
                    CommandProvider.class,
                    IoChannels.registry().provider(scheme).orElseThrow(),
                    scheme);
        }
        try (IoChannel ch = IoChannels.open("COMMAND:printf?arg=hi&mode=r")) {
            assertInstanceOf(CommandChannel.class, ch);
            assertEquals("hi", TestSupport.readString(ch));
            assertEquals("COMMAND:printf?arg=hi&mode=r", ch.name());
        }
    }

    @Test
    void explicitRegistryOfThisProviderWorks() throws IOException {
        ChannelRegistry registry = ChannelRegistry.of(new CommandProvider());
        assertEquals(Set.of("command"), registry.schemes());
        try (IoChannel ch = registry.open("command:cat")) {
            ch.writeAll(TestIo.ascii("ok"));
            TestSupport.expect(ch, "ok");
        }
    }

    @Test
    void features() {
        CommandProvider p = new CommandProvider();
        assertEquals(Set.of(Feature.SHUTDOWN, Feature.CONCURRENT_IO), p.features("command"));
        assertEquals(p.features("command"), p.features("COMMAND"));
        assertThrows(IllegalArgumentException.class, () -> p.features("tcp"));
        assertThrows(UnsupportedOperationException.class, () -> IoChannels.listen("command:cat"));
    }

    @Test
    void servicesFileAndModuleDescriptorAgree() throws IOException {
        Set<String> listed = Registrations.assertAgree(CommandProvider.class);
        assertEquals(Set.of(CommandProvider.class.getName()), listed);
    }
}

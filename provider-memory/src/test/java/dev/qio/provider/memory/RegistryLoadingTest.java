package dev.qio.provider.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qio.channel.ChannelProvider;
import dev.qio.channel.ChannelRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The registry finds this provider the way each path allows: through {@code provides} in a module
 * layer on the module path, through {@code META-INF/services} on the class path.
 */
class RegistryLoadingTest {
    private static List<Class<?>> classes(ChannelRegistry r) {
        return r.providers().stream().<Class<?>>map(ChannelProvider::getClass).toList();
    }

    @Test
    void theClassLoaderSeesTheProviderOnEitherPath() {
        ChannelRegistry r = ChannelRegistry.load(MemoryProvider.class.getClassLoader());
        assertTrue(classes(r).contains(MemoryProvider.class), "providers: " + r.providers());
        assertEquals(MemoryProvider.class, r.provider("MEM").orElseThrow().getClass());
    }

    @Test
    void theBootLayerHasTheProviderExactlyWhenItIsANamedModule() {
        boolean named = MemoryProvider.class.getModule().isNamed();
        ChannelRegistry r = ChannelRegistry.load(ModuleLayer.boot());
        assertEquals(
                named,
                classes(r).contains(MemoryProvider.class),
                (named ? "module path: 'provides' must register it" : "class path: the boot layer has no qio module")
                        + "; providers: " + r.providers());
    }
}

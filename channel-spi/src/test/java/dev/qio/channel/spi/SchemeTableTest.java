package dev.qio.channel.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.qio.channel.Feature;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SchemeTableTest {
    private final SchemeTable table = SchemeTable.of(
            Map.of("mem", Set.of(Feature.SHUTDOWN), "buffer", Set.of(Feature.SEEKABLE), "null", Set.of()));

    @Test
    void answersEachSchemesFeaturesInAnyCase() {
        assertEquals(Set.of("mem", "buffer", "null"), table.schemes());
        assertEquals(Set.of(Feature.SEEKABLE), table.features("BUFFER"));
        assertEquals(Set.of(), table.features("null"));
        assertEquals("mem", table.require("Mem"));
    }

    @Test
    void anUnknownOrMissingSchemeIsRefusedWithTheSchemesInOrder() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> table.features("tcp"));
        assertEquals("scheme 'tcp' is not one of [buffer, mem, null]", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> table.require(null));
        assertEquals("scheme 'null' is not one of [buffer, mem, null]", e.getMessage());
    }

    @Test
    void oneFeatureSetForSeveralSchemesAndNamesMustBeLowerCase() {
        SchemeTable both = SchemeTable.of(Set.of("tcp", "unix"), Set.of(Feature.LISTEN));
        assertEquals(Set.of(Feature.LISTEN), both.features("unix"));
        assertThrows(IllegalArgumentException.class, () -> SchemeTable.of(Map.of("Tcp", Set.of())));
    }
}

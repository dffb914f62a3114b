package dev.qio.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The small value types of the contract: {@link Shutdown} and the two exceptions. */
class SmallTypesTest {

    @Test
    void shutdownReadClosesOnlyReads() {
        assertTrue(Shutdown.READ.reads());
        assertFalse(Shutdown.READ.writes());
    }

    @Test
    void shutdownWriteClosesOnlyWrites() {
        assertFalse(Shutdown.WRITE.reads());
        assertTrue(Shutdown.WRITE.writes());
    }

    @Test
    void shutdownBothClosesBothDirections() {
        assertTrue(Shutdown.BOTH.reads());
        assertTrue(Shutdown.BOTH.writes());
    }

    @Test
    void unsupportedFeatureExceptionCarriesTheFeatureAndMessage() {
        UnsupportedFeatureException e = new UnsupportedFeatureException(
                Feature.FD_PASS, "ch: Channel does not support file descriptor passing");

        assertEquals(Feature.FD_PASS, e.feature());
        assertEquals("ch: Channel does not support file descriptor passing", e.getMessage());
        assertInstanceOf(UnsupportedOperationException.class, e);
    }

    @Test
    void unsupportedFeatureExceptionNeedsAFeature() {
        assertThrows(NullPointerException.class, () -> new UnsupportedFeatureException(null, "x"));
    }

    @Test
    void unknownSchemeExceptionKeepsACopyOfTheInstalledSchemes() {
        List<String> installed = new ArrayList<>(List.of("mem", "tcp"));

        UnknownSchemeException e = new UnknownSchemeException("ftp", installed);
        installed.add("later");

        assertEquals("ftp", e.scheme());
        assertEquals(List.of("mem", "tcp"), e.installed());
        assertInstanceOf(IllegalArgumentException.class, e);
    }
}

package dev.qio.cli.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The progress line's format, without a clock. */
class ProgressTest {
    @Test
    void sizesUseBinaryUnitsWithThreeSignificantDigits() {
        assertEquals("0 B", Progress.size(0));
        assertEquals("1023 B", Progress.size(1023));
        assertEquals("1.00 KiB", Progress.size(1024));
        assertEquals("12.0 MiB", Progress.size(12L << 20));
        assertEquals("512 GiB", Progress.size(512L << 30));
    }

    @Test
    void aKnownSizeAddsBarPercentageAndEta() {
        long second = 1_000_000_000L;
        assertEquals(
                "4.00 MiB 0:00:02 [2.00 MiB/s] [=========>          ]  50% ETA 0:00:02",
                Progress.line(4 << 20, 2 * second, OptionalLong.of(8 << 20)));
        assertEquals(
                "8.00 MiB 0:00:04 [2.00 MiB/s] [====================] 100% ETA 0:00:00",
                Progress.line(8 << 20, 4 * second, OptionalLong.of(8 << 20)));
        assertEquals("1.00 KiB 0:01:05 [15 B/s]", Progress.line(1024, 65 * second, OptionalLong.empty()));
    }
}

package dev.qio.provider.memory;

import java.util.concurrent.atomic.AtomicInteger;

/** Small helpers shared by this module's tests; the general ones are the kit's (dev.qio.testkit.TestIo, Background). */
final class TestSupport {
    private TestSupport() {}

    private static final AtomicInteger SERIAL = new AtomicInteger();

    /** A {@code mem://} name no other test in this JVM uses (the name table is process-wide). */
    static String uniqueName(String base) {
        return base + "-" + SERIAL.incrementAndGet();
    }
}

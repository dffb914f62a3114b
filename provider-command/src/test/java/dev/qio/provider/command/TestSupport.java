package dev.qio.provider.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qio.channel.IoChannel;
import dev.qio.testkit.TestIo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Small helpers shared by this module's tests; the general ones are the kit's ({@link TestIo}). */
final class TestSupport {
    private TestSupport() {}

    /** Reads until EOF and decodes what came as UTF-8. */
    static String readString(IoChannel ch) throws IOException {
        return new String(TestIo.readToEof(ch), StandardCharsets.UTF_8);
    }

    /** Reads exactly {@code line.length()} bytes and checks they are {@code line}. */
    static void expect(IoChannel ch, String line) throws IOException {
        ByteBuffer got = ByteBuffer.allocate(line.getBytes(StandardCharsets.UTF_8).length);
        ch.readAll(got);
        assertEquals(line, new String(got.array(), StandardCharsets.UTF_8));
    }

    /** The names of this module's live pump threads. */
    static Set<String> pumpThreads() {
        Set<String> names = new TreeSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            String n = t.getName();
            if (t.isAlive() && n.startsWith("qio-command-") && (n.endsWith("-stdin") || n.endsWith("-stdout"))) {
                names.add(n);
            }
        }
        return names;
    }

    /** The JVM's live and zombie children. */
    static List<ProcessHandle> children() {
        return ProcessHandle.current().children().toList();
    }

    static void assertContains(String haystack, String... needles) {
        for (String needle : needles) {
            assertTrue(haystack != null && haystack.contains(needle), "'" + needle + "' missing from: " + haystack);
        }
    }
}

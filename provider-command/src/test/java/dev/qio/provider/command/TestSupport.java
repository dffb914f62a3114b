package dev.qio.provider.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoCondition;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Small helpers shared by this module's tests. */
final class TestSupport {
    private TestSupport() {}

    static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    /** Reads until EOF (awaiting IN on ERR_BLOCK) and returns every byte. */
    static byte[] readToEof(IoChannel ch) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer buf = ByteBuffer.allocate(8192);
        while (true) {
            long n = ch.read(buf.clear());
            if (n == IoChannel.EOF) {
                return out.toByteArray();
            }
            if (n == IoChannel.ERR_BLOCK) {
                ch.await(IoCondition.IN);
                continue;
            }
            out.write(buf.array(), 0, (int) n);
        }
    }

    static String readString(IoChannel ch) throws IOException {
        return new String(readToEof(ch), StandardCharsets.UTF_8);
    }

    /** Reads exactly {@code line.length()} bytes and checks they are {@code line}. */
    static void expect(IoChannel ch, String line) throws IOException {
        ByteBuffer got = ByteBuffer.allocate(line.getBytes(StandardCharsets.UTF_8).length);
        ch.readAll(got);
        assertEquals(line, new String(got.array(), StandardCharsets.UTF_8));
    }

    /** Makes a FIFO with the {@code mkfifo} program (the JDK cannot). */
    static Path mkfifo(Path path) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("mkfifo", path.toString()).inheritIO().start();
        assertEquals(0, p.waitFor(), "mkfifo " + path);
        return path;
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

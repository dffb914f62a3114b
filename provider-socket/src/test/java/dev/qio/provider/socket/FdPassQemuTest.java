package dev.qio.provider.socket;

import static dev.qio.testkit.TestIo.ascii;
import static dev.qio.testkit.TestIo.readLine;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.IoListener;
import dev.qio.channel.NativeFd;
import dev.qio.channel.spi.NativeFds;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's QEMU (7.2) takes descriptors from qio over its QMP monitor: QEMU connects its monitor
 * to a qio {@code unix:} listener (so the test waits for nothing but the accept), and qio sends a
 * file's descriptor with {@code getfd} and with {@code add-fd}. QEMU then uses it: a block node on
 * {@code /dev/fdset/N} opens the file through the descriptor, and {@code qemu-io} writes through
 * it. Skipped, naming the package, when {@code qemu-system-x86_64} is missing ({@code .ci/run}
 * installs {@code qemu-system-x86}); no KVM is needed ({@code -machine none}).
 */
@Timeout(120)
class FdPassQemuTest {
    private static final String QEMU = "qemu-system-x86_64";

    @TempDir
    Path dir;

    @Test
    void qemuTakesADescriptorOverQmpAndWritesThroughIt() throws Exception {
        Assumptions.assumeTrue(TestSupport.nativeExpected(), "the java.nio backend has no FD_PASS");
        Child.assumeInstalled(QEMU, "--version", "qemu-system-x86");
        Path sock = TestSupport.freshSocketPath();
        Path disk = dir.resolve("disk.img");
        Files.write(disk, new byte[4096]);
        try (IoListener listener = IoChannels.listen(TestSupport.unixUri(sock));
                Child qemu = Child.start(
                        dir,
                        List.of(
                                QEMU,
                                "-machine",
                                "none",
                                "-nodefaults",
                                "-display",
                                "none",
                                "-chardev",
                                "socket,id=mon,path=" + sock,
                                "-mon",
                                "chardev=mon,mode=control"));
                IoChannel qmp = listener.accept();
                NativeFd fd = NativeFds.open(disk, true)) {
            String greeting = readLine(qmp);
            assertTrue(greeting.startsWith("{\"QMP\": {"), greeting);
            assertEquals("{\"return\": {}}", command(qmp, "{\"execute\": \"qmp_capabilities\"}", null));

            assertEquals(
                    "{\"return\": {}}",
                    command(qmp, "{\"execute\": \"getfd\", \"arguments\": {\"fdname\": \"qio\"}}", fd));
            assertEquals(
                    "{\"return\": {}}",
                    command(qmp, "{\"execute\": \"closefd\", \"arguments\": {\"fdname\": \"qio\"}}", null),
                    "QEMU holds the descriptor getfd named");
            String again = command(qmp, "{\"execute\": \"closefd\", \"arguments\": {\"fdname\": \"qio\"}}", null);
            assertTrue(again.contains("not found"), "closed once, gone: " + again);

            String added = command(
                    qmp, "{\"execute\": \"add-fd\", \"arguments\": {\"fdset-id\": 7, \"opaque\": \"from qio\"}}", fd);
            assertTrue(added.startsWith("{\"return\": {\"fd\": ") && added.contains("\"fdset-id\": 7"), added);
            String sets = command(qmp, "{\"execute\": \"query-fdsets\"}", null);
            assertTrue(sets.contains("\"opaque\": \"from qio\"") && sets.contains("\"fdset-id\": 7"), sets);

            assertEquals(
                    "{\"return\": {}}",
                    command(
                            qmp,
                            "{\"execute\": \"blockdev-add\", \"arguments\": "
                                    + "{\"driver\": \"file\", \"node-name\": \"disk\", \"filename\": \"/dev/fdset/7\"}}",
                            null));
            command(
                    qmp,
                    "{\"execute\": \"human-monitor-command\", \"arguments\": "
                            + "{\"command-line\": \"qemu-io disk \\\"write -P 0x71 0 512\\\"\"}}",
                    null);
            assertEquals(
                    "{\"return\": {}}",
                    command(qmp, "{\"execute\": \"blockdev-del\", \"arguments\": {\"node-name\": \"disk\"}}", null));
            byte[] expected = new byte[512];
            Arrays.fill(expected, (byte) 0x71);
            assertArrayEquals(
                    expected,
                    Arrays.copyOf(Files.readAllBytes(disk), 512),
                    () -> "QEMU wrote through the descriptor qio sent; its output: " + output(qemu));

            command(qmp, "{\"execute\": \"quit\"}", null);
            assertEquals(0, qemu.awaitExit(), () -> "QEMU's exit status after quit; output: " + output(qemu));
        }
    }

    /** Sends one QMP command, with {@code fd} attached when not null, and returns the reply, skipping events. */
    private static String command(IoChannel qmp, String json, NativeFd fd) throws IOException {
        qmp.writevAll(new ByteBuffer[] {ascii(json + "\n")}, fd == null ? null : List.of(fd), Set.of());
        while (true) {
            String line = readLine(qmp).strip();
            if (!line.contains("\"event\"")) {
                return line;
            }
        }
    }

    private static String output(Child c) {
        try {
            return c.output();
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}

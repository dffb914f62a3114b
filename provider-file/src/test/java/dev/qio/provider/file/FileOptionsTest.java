package dev.qio.provider.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.testkit.TestIo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** URI options, their defaults and combinations, and every way a {@code file:} URI can fail to open. */
class FileOptionsTest {
    @TempDir
    Path dir;

    private static void rejectsOption(String option, Executable open) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, open);
        assertTrue(
                e.getMessage().contains("'" + option + "'"), "message should name '" + option + "': " + e.getMessage());
    }

    /** Empty values and numbers in other scripts' digits are refused at open, naming the option and the value. */
    @Test
    void emptyValuesAndNonAsciiDigitsAreRefused() {
        String f = dir.resolve("f").toUri().getPath();
        for (String option : new String[] {"mode", "create", "truncate", "perm"}) {
            rejectsUri("file://" + f + "?" + option + "=", "option '" + option + "' has an empty value");
        }
        rejectsUri("file://" + f + "?mode=w&perm=０６００", "'０６００'");
        rejectsUri("file://" + f + "?mode=w&perm=+600", "'+600'");
        assertFalse(Files.exists(dir.resolve("f")), "nothing was created");
    }

    private static void rejectsUri(String uri, String quoted) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IoChannels.open(uri), uri);
        assertTrue(e.getMessage().startsWith(uri), "message should start with the URI: " + e.getMessage());
        assertTrue(e.getMessage().contains(quoted), "message should quote " + quoted + ": " + e.getMessage());
    }

    @Test
    void unknownAndMalformedOptionsAreNamed() {
        Path f = dir.resolve("opts");
        rejectsOption("bogus", () -> IoChannels.open(TestSupport.uri(f, "mode=w&bogus=1")));
        rejectsOption("mode", () -> IoChannels.open(TestSupport.uri(f, "mode=x")));
        rejectsOption("mode", () -> IoChannels.open(TestSupport.uri(f, "mode=w&mode=r")));
        rejectsOption("create", () -> IoChannels.open(TestSupport.uri(f, "create=maybe")));
        rejectsOption("truncate", () -> IoChannels.open(TestSupport.uri(f, "mode=w&truncate=2")));
        rejectsOption("perm", () -> IoChannels.open(TestSupport.uri(f, "mode=w&perm=0999")));
        rejectsOption("perm", () -> IoChannels.open(TestSupport.uri(f, "mode=w&perm=abc")));
        rejectsOption("perm", () -> IoChannels.open(TestSupport.uri(f, "mode=w&perm=01000")));
        rejectsOption("perm", () -> IoChannels.open(TestSupport.uri(f, "mode=w&perm=-1")));
        assertFalse(Files.exists(f), "a refused URI must not create the file");
    }

    @Test
    void contradictoryOptionsAreRefused() throws IOException {
        Path f = dir.resolve("combo");
        Files.writeString(f, "keep");
        rejectsOption("create", () -> IoChannels.open(TestSupport.uri(dir.resolve("read-create"), "create=true")));
        assertFalse(Files.exists(dir.resolve("read-create")));
        rejectsOption("truncate", () -> IoChannels.open(TestSupport.uri(f, "truncate=true")));
        rejectsOption("truncate", () -> IoChannels.open(TestSupport.uri(f, "mode=a&truncate=true")));
        rejectsOption("perm", () -> IoChannels.open(TestSupport.uri(f, "mode=rw&perm=0644")));
        rejectsOption("perm", () -> IoChannels.open(TestSupport.uri(f, "mode=w&create=false&perm=0644")));
        assertEquals("keep", Files.readString(f));
    }

    @Test
    void pathsThatAreNotAbsoluteAreRefusedAndQuoted() {
        rejectsUri("file:relative/x", "'relative/x'");
        rejectsUri("file:~/x", "'~/x'");
        rejectsUri("file://~/x", "'~'");
        rejectsUri("file://host/tmp/x", "'host'");
        rejectsUri("file:///tmp/x#frag", "'#frag'");
        rejectsUri("file:", "no path");
        assertThrows(FileSystemException.class, () -> IoChannels.open("file:///"), "the root is a directory");
    }

    @Test
    void directoryIsRefusedNamingThePath() {
        for (String mode : new String[] {"r", "w", "rw", "a"}) {
            String uri = TestSupport.uri(dir, "mode=" + mode);
            FileSystemException e = assertThrows(FileSystemException.class, () -> IoChannels.open(uri), uri);
            assertEquals(dir.toString(), e.getFile());
            assertTrue(
                    e.getMessage().contains(dir.toString())
                            && e.getMessage().contains(uri)
                            && e.getMessage().contains("is a directory"),
                    e.getMessage());
        }
    }

    @Test
    void missingFileWithoutCreateNamesThePath() {
        Path missing = dir.resolve("missing");
        for (String query : new String[] {"", "mode=r", "mode=rw", "mode=w&create=false", "mode=a&create=false"}) {
            String uri = TestSupport.uri(missing, query);
            NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> IoChannels.open(uri), uri);
            assertTrue(
                    e.getMessage().contains(missing.toString())
                            && e.getMessage().contains(uri),
                    e.getMessage());
            assertTrue(e.getMessage().contains("create=true"), "the message says how to create it: " + e.getMessage());
        }
        assertFalse(Files.exists(missing));
        Path noDir = dir.resolve("no-such-dir/file");
        NoSuchFileException e =
                assertThrows(NoSuchFileException.class, () -> IoChannels.open(TestSupport.uri(noDir, "mode=w")));
        assertTrue(e.getMessage().contains(noDir.toString()), e.getMessage());
    }

    @Test
    void permissionDeniedNamesThePath() throws IOException {
        Path locked = dir.resolve("locked");
        Files.writeString(locked, "secret");
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        Assumptions.assumeFalse(
                Files.isReadable(locked),
                "running as " + System.getProperty("user.name")
                        + ", for whom permission checks are bypassed (root): a mode-000 file is still readable");
        for (String mode : new String[] {"r", "w", "rw", "a"}) {
            String uri = TestSupport.uri(locked, "mode=" + mode);
            AccessDeniedException e = assertThrows(AccessDeniedException.class, () -> IoChannels.open(uri), uri);
            assertTrue(
                    e.getMessage().contains(locked.toString())
                            && e.getMessage().contains(uri)
                            && e.getMessage().contains("permission denied"),
                    e.getMessage());
        }
    }

    @Test
    void defaultsFollowFopen() throws IOException {
        Path f = dir.resolve("defaults");
        // w: creates and truncates
        try (IoChannel w = IoChannels.open(TestSupport.uri(f, "mode=w"))) {
            w.writeAll(TestIo.ascii("first, longer"));
        }
        try (IoChannel w = IoChannels.open(TestSupport.uri(f, "mode=w"))) {
            w.writeAll(TestIo.ascii("second"));
        }
        assertEquals("second", Files.readString(f));
        // rw: neither creates nor truncates
        try (IoChannel rw = IoChannels.open(TestSupport.uri(f, "mode=rw"))) {
            rw.writeAll(TestIo.ascii("S"));
        }
        assertEquals("Second", Files.readString(f));
        assertThrows(
                NoSuchFileException.class, () -> IoChannels.open(TestSupport.uri(dir.resolve("rw-new"), "mode=rw")));
        try (IoChannel rw = IoChannels.open(TestSupport.uri(f, "mode=rw&truncate=true"))) {
            assertEquals(IoChannel.EOF, rw.read(ByteBuffer.allocate(1)));
        }
        assertEquals(0, Files.size(f));
        // a: creates, keeps what is there
        Path log = dir.resolve("log");
        try (IoChannel a = IoChannels.open(TestSupport.uri(log, "mode=a"))) {
            a.writeAll(TestIo.ascii("one "));
        }
        try (IoChannel a = IoChannels.open(TestSupport.uri(log, "mode=a"))) {
            a.writeAll(TestIo.ascii("two"));
        }
        assertEquals("one two", Files.readString(log));
    }

    @Test
    void permHonoursTheUmask() throws IOException {
        int umask = TestSupport.umask();
        for (int perm : new int[] {0600, 0640, 0777, 0444, 0}) {
            Path f = dir.resolve(TestSupport.unique("perm"));
            try (IoChannel _ = IoChannels.open(TestSupport.uri(f, "mode=w&perm=0" + Integer.toOctalString(perm)))) {
                assertEquals(
                        perm & ~umask,
                        TestSupport.mode(f),
                        "perm 0" + Integer.toOctalString(perm) + " with umask 0" + Integer.toOctalString(umask));
            }
        }
        Path byDefault = dir.resolve("default-perm");
        try (IoChannel _ = IoChannels.open(TestSupport.uri(byDefault, "mode=a"))) {
            assertEquals(0600 & ~umask, TestSupport.mode(byDefault), "the default perm is 0600");
        }
    }

    @Test
    void permLeavesAnExistingFileAlone() throws IOException {
        Path f = dir.resolve("existing");
        Files.writeString(f, "x");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r-----"));
        try (IoChannel _ = IoChannels.open(TestSupport.uri(f, "mode=w&perm=0600"))) {
            assertEquals(0640, TestSupport.mode(f));
        }
    }

    @Test
    void percentEncodedPathsAreDecoded() throws IOException {
        Path f = dir.resolve("with space");
        Files.writeString(f, "spaced");
        String uri = "file://" + dir + "/with%20space";
        try (IoChannel r = IoChannels.open(uri)) {
            ByteBuffer b = ByteBuffer.allocate(6);
            r.readAll(b);
            assertEquals("spaced", TestIo.written(b));
            assertEquals(uri, r.name(), "the channel is named by the URI as given");
        }
        try (IoChannel r = IoChannels.open("file:" + f.toString().replace(" ", "%20") + "?mode=r")) {
            assertTrue(r.isOpen(), "file:/ABSOLUTE (no authority) is accepted too");
        }
    }
}

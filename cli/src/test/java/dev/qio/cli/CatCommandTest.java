package dev.qio.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code qio cat}, as a process. */
class CatCommandTest {
    @TempDir
    Path dir;

    /** A file of {@code size} random bytes: more than one copy buffer, not a multiple of it. */
    private Path randomFile(String name, int size) throws Exception {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return Files.write(dir.resolve(name), bytes);
    }

    @Test
    void copiesAFileToAnotherByteForByte() throws Exception {
        Path src = randomFile("src.bin", (3 << 20) + 17);
        Path dst = dir.resolve("dst.bin");
        Qio.Result r = Qio.run("cat", Qio.uri(src, ""), Qio.uri(dst, "mode=w")).exits(0);
        assertEquals(0, r.stdout().length);
        assertEquals("", r.stderr(), "no progress when standard error is not a terminal");
        assertArrayEquals(Files.readAllBytes(src), Files.readAllBytes(dst));
    }

    @Test
    void dashIsStandardInputAndStandardOutput() throws Exception {
        Path src = randomFile("in.bin", 200_001);
        Qio.Result r = Qio.run(src, "cat", "-").exits(0);
        assertArrayEquals(Files.readAllBytes(src), r.stdout());
        Path dst = dir.resolve("out.bin");
        Qio.run(src, "cat", "-", Qio.uri(dst, "mode=w")).exits(0);
        assertArrayEquals(Files.readAllBytes(src), Files.readAllBytes(dst));
    }

    @Test
    void anEmptyBufferCopiesNothingAndSucceeds() throws Exception {
        Qio.Result r = Qio.run("cat", "buffer:").exits(0);
        assertEquals(0, r.stdout().length);
        assertEquals("", r.stderr());
    }

    @Test
    void aMissingFileIsOneLineNamingThePathWithoutAStackTrace() throws Exception {
        Path missing = dir.resolve("missing.bin");
        Qio.Result r = Qio.run("cat", Qio.uri(missing, "")).exits(1);
        assertTrue(Qio.oneLine(r.stderr()), r.stderr());
        assertTrue(r.stderr().startsWith("qio: "), r.stderr());
        assertTrue(r.stderr().contains(missing.toString()), r.stderr());
        assertFalse(Qio.hasStackTrace(r.stderr()), r.stderr());
    }

    @Test
    void verboseAddsTheStackTrace() throws Exception {
        Path missing = dir.resolve("missing.bin");
        Qio.Result r = Qio.run("cat", "--verbose", Qio.uri(missing, "")).exits(1);
        assertTrue(r.stderr().startsWith("qio: "), r.stderr());
        assertTrue(Qio.hasStackTrace(r.stderr()), r.stderr());
        assertTrue(r.stderr().contains("NoSuchFileException"), r.stderr());
    }

    @Test
    void progressShowsBytesRateAndTheEndOnStandardError() throws Exception {
        Path src = randomFile("big.bin", 5 << 20);
        Path dst = dir.resolve("copy.bin");
        Qio.Result r = Qio.run("cat", "--progress", Qio.uri(src, ""), Qio.uri(dst, "mode=w"))
                .exits(0);
        String last = r.stderr().substring(r.stderr().lastIndexOf('\r') + 1);
        assertTrue(last.startsWith("5.00 MiB "), r.stderr());
        assertTrue(last.contains("/s]") && last.contains("100%") && last.contains("ETA 0:00:00"), r.stderr());
        assertTrue(r.stderr().endsWith("\n"), "the final line ends the progress line");
        assertArrayEquals(Files.readAllBytes(src), Files.readAllBytes(dst));

        assertEquals(
                "",
                Qio.run("cat", "--no-progress", Qio.uri(src, ""), "null:")
                        .exits(0)
                        .stderr());
    }

    @Test
    void aReaderThatStopsEarlyEndsTheCopySilentlyAsCatDoes() throws Exception {
        Path src = randomFile("long.bin", 4 << 20);
        Process p = new ProcessBuilder(Qio.command("cat", Qio.uri(src, "")))
                .redirectError(dir.resolve("err").toFile())
                .start();
        try (var out = p.getInputStream()) {
            assertEquals(10, out.readNBytes(10).length); // like `| head -c 10`, then the pipe closes
        }
        assertTrue(p.waitFor(Qio.TIMEOUT_S, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(141, p.exitValue(), "128 + SIGPIPE, as a shell reports cat killed by SIGPIPE");
        assertEquals("", Files.readString(dir.resolve("err")));
    }

    @Test
    void anUnknownSchemeIsAUsageErrorListingTheInstalledOnes() throws Exception {
        Qio.Result r = Qio.run("cat", "nosuch://x").exits(2);
        assertTrue(Qio.oneLine(r.stderr()), r.stderr());
        assertTrue(r.stderr().contains("nosuch"), r.stderr());
        String installed = r.stderr().substring(r.stderr().indexOf("installed: "));
        for (String scheme : List.of("buffer", "command", "fd", "file", "mem", "null", "tcp", "tls", "unix", "ws")) {
            assertTrue(installed.matches("(?s).*\\b" + scheme + "\\b.*"), scheme + " not listed: " + r.stderr());
        }
    }

    @Test
    void anUnknownUriOptionIsAUsageErrorNamingIt() throws Exception {
        Qio.Result r = Qio.run("cat", "buffer:?colour=red").exits(2);
        assertTrue(Qio.oneLine(r.stderr()), r.stderr());
        assertTrue(r.stderr().contains("colour"), r.stderr());
    }

    @Test
    void aDestinationThatCannotBeWrittenFails() throws Exception {
        Path src = randomFile("a.bin", 10);
        Path readOnly = randomFile("b.bin", 10);
        Qio.Result r = Qio.run("cat", Qio.uri(src, ""), Qio.uri(readOnly, "")).exits(1);
        assertTrue(Qio.oneLine(r.stderr()), r.stderr());
        assertTrue(r.stderr().contains(readOnly.toString()), r.stderr());
    }
}

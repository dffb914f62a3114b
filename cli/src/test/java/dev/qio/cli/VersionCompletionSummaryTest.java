package dev.qio.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code qio --version}, {@code qio completion} and the {@code --summary} lines of cat and relay, in process. */
class VersionCompletionSummaryTest {
    @TempDir
    Path dir;

    private static final Pattern SUMMARY =
            Pattern.compile("[0-9.]+ [KMGTPE]?i?B \\((\\d+) bytes\\) in [0-9]+\\.[0-9]{3} s, [0-9.]+ [KMGTPE]?i?B/s");

    @Test
    void versionNamesTheCommandAndTheJava() {
        Qio.Result r = Qio.inProcess("--version").exits(0);
        assertTrue(r.out().startsWith("qio ") && r.out().contains(" on Java " + Runtime.version()), r.out());
        assertEquals("", r.stderr());
    }

    @Test
    void completionIsABashAndZshScriptFromTheCommandModel() {
        Qio.Result r = Qio.inProcess("completion").exits(0);
        String script = r.out();
        assertTrue(
                script.contains("complete -F") && script.contains("bashcompinit"),
                "bash, and zsh through bashcompinit");
        for (String word :
                new String[] {"cat", "relay", "listen", "conformance", "providers", "--summary", "--provider-path"}) {
            assertTrue(script.contains(word), "the script completes " + word);
        }
        Qio.Result help = Qio.inProcess("completion", "--help").exits(0);
        assertTrue(help.out().contains("source <(qio completion)"), help.out());
    }

    @Test
    void catSummaryGivesBytesTimeAndRate() throws Exception {
        Path src = Files.write(dir.resolve("src"), new byte[123_457]);
        Qio.Result r =
                Qio.inProcess("cat", "--summary", Qio.uri(src, ""), "null:").exits(0);
        assertTrue(r.stderr().startsWith("qio cat: ") && r.stderr().endsWith(System.lineSeparator()), r.stderr());
        var m = SUMMARY.matcher(r.stderr());
        assertTrue(m.find(), r.stderr());
        assertEquals("123457", m.group(1));
        assertEquals(
                "", Qio.inProcess("cat", Qio.uri(src, ""), "null:").exits(0).stderr(), "no summary unless asked");
    }

    @Test
    void relaySummaryGivesEachDirection() throws Exception {
        Qio.Result r = Qio.inProcess(new ByteArrayInputStream(new byte[4096]), "relay", "--summary", "-", "null:")
                .exits(0);
        assertTrue(r.stderr().startsWith("qio relay: A to B "), r.stderr());
        var m = SUMMARY.matcher(r.stderr());
        assertTrue(m.find(), r.stderr());
        assertEquals("4096", m.group(1), "standard input to null: moved 4096 bytes");
        assertTrue(m.find(), r.stderr());
        assertEquals("0", m.group(1), "null: to standard output moved nothing");
    }
}

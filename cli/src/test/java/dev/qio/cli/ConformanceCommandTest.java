package dev.qio.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** {@code qio conformance}, as a process: the kit through the JUnit Platform Launcher. */
class ConformanceCommandTest {
    /** The matrix's header and the row of {@code fixture}, split into cells. */
    private static List<List<String>> matrix(String stdout, String fixture) {
        List<String> lines = stdout.lines().toList();
        List<String> header = List.of(lines.getFirst().split(" +"));
        List<String> row = lines.stream()
                .filter(l -> l.startsWith(fixture + " "))
                .findFirst()
                .map(l -> List.of(l.split(" +")))
                .orElseThrow(() -> new AssertionError("no row " + fixture + ":\n" + stdout));
        return List.of(header, row);
    }

    @Test
    void memPassesEveryFamilyAndExitsZero() throws Exception {
        Qio.Result r = Qio.run("conformance", "mem", "--tries", "2").exits(0);
        List<List<String>> m = matrix(r.out(), "mem");
        List<String> header = m.get(0);
        List<String> row = m.get(1);
        assertEquals("FIXTURE", header.getFirst());
        assertEquals(header.size(), row.size(), r.out());
        for (String family : List.of(
                "roundtrip",
                "partial_io",
                "eof",
                "errblock",
                "watch",
                "lifecycle",
                "model",
                "SHUTDOWN",
                "SEEKABLE",
                "FD_PASS",
                "CONCURRENT_IO")) {
            assertEquals("PASS", row.get(header.indexOf(family)), family + ":\n" + r.out());
        }
        assertFalse(row.contains("FAIL"), r.out());
        assertTrue(
                r.out().lines().anyMatch(l -> l.matches("conformance: [1-9][0-9]* passed, 0 failed, [0-9]+ skipped")),
                r.out());
        assertTrue(r.stderr().contains("qio: conformance mem ..."), r.stderr());
        assertFalse(Qio.hasStackTrace(r.stderr()), r.stderr());
    }

    @Test
    void tlsRunsOverMemWithCertificatesKeytoolMakesAndLeavesNoneBehind() throws Exception {
        Set<Path> before = tlsDirs();
        Qio.Result r = Qio.run("conformance", "tls", "--tries", "2").exits(0);
        assertEquals(before, tlsDirs(), "the fixture's certificate directory is removed");
        List<List<String>> m = matrix(r.out(), "tls");
        for (String family : List.of("roundtrip", "partial_io", "eof", "errblock", "lifecycle", "model", "SHUTDOWN")) {
            assertEquals("PASS", m.get(1).get(m.get(0).indexOf(family)), family + ":\n" + r.out());
        }
        assertFalse(r.out().contains("no fixture installed for"), "every installed scheme has a fixture: " + r.out());
        assertFalse(Qio.hasStackTrace(r.stderr()), r.stderr());
    }

    /** The tls fixture's directories in the temporary directory the child process uses. */
    private static Set<Path> tlsDirs() throws IOException {
        try (Stream<Path> all = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return all.filter(p -> p.getFileName().toString().startsWith("qio-kit-tls-"))
                    .collect(Collectors.toSet());
        }
    }

    @Test
    void aFailingThirdPartyFixtureFailsItsFamiliesAndExitsOne() throws Exception {
        String jar = ThirdParty.jar().toString();
        Qio.Result r = Qio.run("conformance", "offbyone", "--provider-path", jar, "--tries", "3", "--seed", "0x5eed")
                .exits(1);
        List<List<String>> m = matrix(r.out(), "offbyone");
        assertEquals("FAIL", m.get(1).get(m.get(0).indexOf("roundtrip")), r.out());
        assertEquals("PASS", m.get(1).get(m.get(0).indexOf("lifecycle")), "its other families still run: " + r.out());
        assertTrue(r.out().contains("FAIL offbyone: required_roundtrip [offbyone, blocking, seed=0x5eed]"), r.out());
        assertTrue(r.out().contains("-Dqio.seed="), "the kit's message, with the seed that reruns it: " + r.out());
        assertTrue(
                r.out()
                        .contains("seed=0x5eed (rerun: qio conformance offbyone --provider-path " + jar
                                + " --tries 3 --seed 0x5eed)"),
                r.out());
        assertTrue(
                r.out()
                        .lines()
                        .anyMatch(l -> l.matches("conformance: [0-9]+ passed, [1-9][0-9]* failed, [0-9]+ skipped")),
                r.out());
    }

    @Test
    void theSameSeedGivesTheSameNames() throws Exception {
        Qio.Result r = Qio.run("conformance", "null", "--tries", "1", "--seed", "42", "--verbose")
                .exits(0);
        assertTrue(r.out().contains("seed=0x2a (rerun: qio conformance null --tries 1 --seed 0x2a)"), r.out());
        assertTrue(
                r.out().contains("SKIP null: required_roundtrip [null, blocking, seed=0x2a]"),
                "--verbose lists the skips and why: " + r.out());
    }

    @Test
    void anUnknownSchemeIsAUsageErrorListingTheFixtures() throws Exception {
        Qio.Result r = Qio.run("conformance", "nosuch").exits(2);
        assertTrue(Qio.oneLine(r.stderr()), r.stderr());
        assertTrue(
                r.stderr()
                        .contains(
                                "no fixture for 'nosuch'; installed fixtures: buffer, command, fd, file, file-rw, mem, null, tcp, tls, unix"),
                r.stderr());
    }

    @Test
    void aBadSeedIsAUsageError() throws Exception {
        Qio.Result r = Qio.run("conformance", "mem", "--seed", "0xnope").exits(2);
        assertTrue(Qio.oneLine(r.stderr()), r.stderr());
        assertTrue(r.stderr().contains("--seed"), r.stderr());
    }
}

package dev.qio.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** {@code qio providers}, as a process. */
class ProvidersCommandTest {
    /**
     * The table's serving row per scheme (the first listed), each split on runs of two or more
     * spaces, without the PROVIDER and STATUS columns: scheme, features, module, jar.
     */
    private static Map<String, List<String>> rows(String stdout) {
        return all(stdout).stream()
                .filter(r -> r.get(2).equals("serves"))
                .map(r -> List.of(r.get(0), r.get(3), r.get(4), r.get(5)))
                .collect(Collectors.toMap(r -> r.get(0), Function.identity()));
    }

    /** Every row of the table, split on runs of two or more spaces. */
    private static List<List<String>> all(String stdout) {
        return stdout.lines().skip(1).map(l -> List.of(l.split(" {2,}"))).toList();
    }

    @Test
    void listsEveryBuiltInSchemeWithItsFeaturesModuleAndJar() throws Exception {
        Qio.Result r = Qio.run("providers").exits(0);
        assertEquals("", r.stderr());
        assertTrue(
                r.out().lines().findFirst().orElseThrow().matches("SCHEME +PROVIDER +STATUS +FEATURES +MODULE +JAR"),
                r.out());
        Map<String, List<String>> rows = rows(r.out());
        assertEquals(
                List.of("buffer", "command", "fd", "file", "mem", "null", "tcp", "tls+…", "unix", "ws+…"),
                rows.keySet().stream().sorted().toList(),
                r.out());
        assertEquals("dev.qio.provider.socket", rows.get("tcp").get(2));
        assertEquals("dev.qio.provider.command", rows.get("command").get(2));
        assertTrue(List.of(rows.get("mem").get(1).split(",")).containsAll(List.of("SHUTDOWN", "FD_PASS")), r.out());
        assertEquals("dev.qio.provider.memory", rows.get("mem").get(2));
        assertEquals("-", rows.get("null").get(1));
        assertEquals("dev.qio.provider.file", rows.get("file").get(2));
        assertEquals("dev.qio.provider.tls", rows.get("tls+…").get(2)); // a layer, shown with the + it takes
        assertEquals("dev.qio.provider.ws", rows.get("ws+…").get(2));
        for (List<String> row : rows.values()) {
            assertTrue(Files.exists(Path.of(row.get(3))), "the JAR column names an existing path: " + row);
        }
    }

    @Test
    void aSchemeClaimedTwiceShowsWhichProviderServesItAndWhyNotTheOther() throws Exception {
        Qio.Result r = Qio.run("providers").exits(0);
        for (String scheme : List.of("tcp", "unix")) {
            List<List<String>> claimants = all(r.out()).stream()
                    .filter(row -> row.get(0).equals(scheme))
                    .toList();
            assertEquals(
                    List.of("LinuxSocketProvider", "SocketProvider"),
                    claimants.stream().map(row -> row.get(1)).toList(),
                    r.out());
            assertEquals("serves", claimants.get(0).get(2), r.out()); // ./qio grants the spi native access
            assertEquals("standby: priority 0 < 100", claimants.get(1).get(2), r.out());
        }
    }

    @Test
    void providerPathLoadsAThirdPartyJarInItsOwnLayer() throws Exception {
        Path jar = ThirdParty.jar();
        Qio.Result r = Qio.run("providers", "--provider-path", jar.toString()).exits(0);
        Map<String, List<String>> rows = rows(r.out());
        assertEquals(List.of("pipe", "-", "org.example.qio.pipes", jar.toString()), rows.get("pipe"), r.out());
        assertEquals(List.of("offbyone", "SEEKABLE", "org.example.qio.pipes", jar.toString()), rows.get("offbyone"));
        assertTrue(rows.containsKey("mem"), "the built-in providers are still listed: " + r.out());
    }

    @Test
    void aMissingProviderPathIsAUsageErrorOnOneLine() throws Exception {
        Qio.Result r =
                Qio.run("providers", "--provider-path", "/nonexistent/plugins").exits(2);
        assertTrue(Qio.oneLine(r.stderr()), r.stderr());
        assertTrue(r.stderr().startsWith("qio: ") && r.stderr().contains("/nonexistent/plugins"), r.stderr());
        assertFalse(Qio.hasStackTrace(r.stderr()), r.stderr());
    }
}

package dev.qio.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** {@code --help} on every command, and usage errors, as a process. */
class HelpTest {
    @TestFactory
    Stream<DynamicTest> helpPrintsUsageOnStandardOutputAndSucceeds() {
        return Stream.of("", "providers", "cat", "relay", "listen", "conformance")
                .map(command -> DynamicTest.dynamicTest("qio " + command + " --help", () -> {
                    String[] args = command.isEmpty() ? new String[] {"--help"} : new String[] {command, "--help"};
                    Qio.Result r = Qio.run(args).exits(0);
                    assertEquals("", r.stderr());
                    String usage = command.isEmpty() ? "Usage: qio " : "Usage: qio " + command + " ";
                    assertTrue(r.out().lines().anyMatch(l -> l.startsWith(usage)), r.out());
                    assertTrue(
                            r.out().contains("--verbose") && r.out().contains("--provider-path"),
                            "every command takes the common options: " + r.out());
                }));
    }

    @TestFactory
    Stream<DynamicTest> aMissingOrUnknownCommandOrArgumentIsAUsageErrorOnOneLine() {
        return Stream.of(new String[0], new String[] {"cat"}, new String[] {"frobnicate"}, new String[] {
                    "cat", "--bogus", "null:"
                })
                .map(args -> DynamicTest.dynamicTest("qio " + String.join(" ", args), () -> {
                    Qio.Result r = Qio.run(args).exits(2);
                    assertTrue(Qio.oneLine(r.stderr()), r.stderr());
                    assertTrue(r.stderr().startsWith("qio: ") && r.stderr().contains("--help"), r.stderr());
                }));
    }
}

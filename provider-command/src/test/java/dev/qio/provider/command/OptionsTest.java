package dev.qio.provider.command;

import static dev.qio.provider.command.TestSupport.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

/** URI options: unknown ones and bad values are refused, naming the option, before anything starts. */
@Timeout(30)
class OptionsTest {

    private static void rejects(String option, Executable open) {
        List<ProcessHandle> before = TestSupport.children();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, open);
        assertContains(e.getMessage(), "'" + option + "'");
        assertEquals(before, TestSupport.children(), "a refused URI starts no child");
    }

    @Test
    void unknownOptionsAreNamed() {
        rejects("bogus", () -> IoChannels.open("command:cat?bogus=1"));
        rejects("args", () -> IoChannels.open("command:cat?args=-u"));
        rejects("Mode", () -> IoChannels.open("command:cat?Mode=r"));
    }

    @Test
    void badValuesAreNamed() {
        rejects("mode", () -> IoChannels.open("command:cat?mode=x"));
        rejects("mode", () -> IoChannels.open("command:cat?mode=r&mode=w"));
        rejects("stderr", () -> IoChannels.open("command:cat?stderr=stdout"));
        rejects("grace", () -> IoChannels.open("command:cat?grace=-1"));
        rejects("grace", () -> IoChannels.open("command:cat?grace=soon"));
        rejects("cwd", () -> IoChannels.open("command:cat?cwd="));
        rejects("env.A=B", () -> IoChannels.open("command:cat?env.A%3DB=1"));
        rejects("env.", () -> IoChannels.open("command:cat?env.=1"));
    }

    /** An empty value is refused naming the option, except where it means something: an argument, a variable. */
    @Test
    void emptyValuesAreRefusedExceptForArgumentsAndVariables() throws IOException {
        for (String option : List.of("mode", "stderr", "grace", "cwd")) {
            List<ProcessHandle> before = TestSupport.children();
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> IoChannels.open("command:cat?" + option + "="));
            assertContains(e.getMessage(), "option '" + option + "' has an empty value");
            assertEquals(before, TestSupport.children(), "a refused URI starts no child");
        }
        rejects("grace", () -> IoChannels.open("command:cat?grace=５"));
        try (IoChannel ch = IoChannels.open(
                "command:sh?arg=-c&arg=printf%20'[%25s][%25s]'%20%22$0%22%20%22$E%22&arg=&mode=r&env.E=")) {
            assertEquals("[][]", TestSupport.readString(ch), "an empty argument and an empty variable reach the child");
        }
    }

    @Test
    void aUriWithoutAProgramIsRefused() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> IoChannels.open("command:?arg=x"));
        assertContains(e.getMessage(), "no program");
    }

    @Test
    void everyOptionTogether(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        try (IoChannel ch = IoChannels.open(
                "command:sh?arg=-c&arg=printf%20'%25s%20%25s%20'%20\"$0\"%20\"$Q\";%20pwd".replace("\"", "%22")
                        + "&arg=zero&mode=r&cwd=" + dir.toUri().getPath() + "&env.Q=q&stderr=discard&grace=200")) {
            assertEquals("zero q " + dir.toRealPath() + "\n", TestSupport.readString(ch));
        }
    }

    @Test
    void programmaticOptions() {
        CommandOptions o = CommandOptions.defaults();
        assertEquals(CommandOptions.Mode.RW, o.mode());
        assertEquals(CommandOptions.Stderr.INHERIT, o.stderr());
        assertEquals(CommandOptions.DEFAULT_GRACE, o.grace());
        assertEquals(Map.of(), o.env());
        CommandOptions e = o.withEnv("A", "1").withEnv("B", "2").withEnv("A", "3");
        assertEquals(List.of("A", "B"), List.copyOf(e.env().keySet()));
        assertEquals("3", e.env().get("A"));
        assertEquals(Map.of(), o.env(), "immutable: withEnv returns a new instance");
        assertThrows(IllegalArgumentException.class, () -> o.withEnv("", "x"));
        assertThrows(IllegalArgumentException.class, () -> o.withEnv("A=B", "x"));
        assertThrows(IllegalArgumentException.class, () -> o.withGrace(Duration.ofMillis(-1)));
        assertThrows(NullPointerException.class, () -> o.withMode(null));
    }
}

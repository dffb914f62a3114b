package dev.qio.provider.command;

import static dev.qio.provider.command.TestSupport.assertContains;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.testkit.TestIo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * argv reaches the child exactly, never through a shell; programs are found on PATH or by path;
 * what is wrong with the program or the directory is named at open.
 */
@Timeout(30)
class ArgvAndPathTest {
    /** A child that prints its own argv from /proc, NUL-separated: sh, -c, the script, the rest. */
    private static final String PRINT_ARGV = "cat /proc/$$/cmdline; exit 0";
    /** Arguments a shell would split, quote, expand or glob, and some a URI must encode. */
    private static final List<String> NASTY = List.of(
            "a b",
            "'single'",
            "\"double\"",
            ";",
            "a;b",
            "$HOME",
            "$(id)",
            "`id`",
            "*",
            "?",
            "",
            "back\\slash",
            "tab\there",
            "new\nline",
            "é",
            "a=b",
            "&",
            "+",
            "%41",
            "|",
            ">x",
            "~");

    private static byte[] cmdline(List<String> argv) {
        StringBuilder s = new StringBuilder();
        for (String a : argv) {
            s.append(a).append('\0');
        }
        return s.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void argvFromTheApiReachesTheChildUnchanged() throws IOException {
        List<String> argv = new ArrayList<>(List.of("sh", "-c", PRINT_ARGV));
        argv.addAll(NASTY);
        try (CommandChannel ch =
                CommandChannels.spawn(argv, CommandOptions.defaults().withMode(CommandOptions.Mode.R))) {
            assertArrayEquals(cmdline(argv), TestIo.readToEof(ch));
            assertEquals(argv, ch.command());
        }
    }

    @Test
    void argvFromTheUriReachesTheChildUnchanged() throws IOException {
        List<String> argv = new ArrayList<>(List.of("sh", "-c", PRINT_ARGV));
        argv.addAll(NASTY);
        // What the API names the channel is the URI that opens the same argv.
        String uri = CommandChannels.nameOf(argv) + "&mode=r";
        try (IoChannel ch = IoChannels.open(uri)) {
            assertArrayEquals(cmdline(argv), TestIo.readToEof(ch));
        }
        // Written by hand, with raw ';', '$', '*', '\'' and '=' where a URI allows them.
        try (IoChannel ch = IoChannels.open("command:sh?arg=-c&arg=cat%20/proc/$$/cmdline;%20exit%200"
                + "&arg=a%20b&arg='q'&arg=%22dq%22&arg=;&arg=$HOME&arg=*&arg=&arg=x=y&arg=1+1&mode=r")) {
            assertArrayEquals(
                    cmdline(List.of(
                            "sh", "-c", PRINT_ARGV, "a b", "'q'", "\"dq\"", ";", "$HOME", "*", "", "x=y", "1+1")),
                    TestIo.readToEof(ch));
        }
    }

    @Test
    void aBareProgramIsLookedUpOnPath() throws IOException {
        try (CommandChannel ch = (CommandChannel) IoChannels.open("command:printf?arg=found&mode=r")) {
            assertEquals("found", TestSupport.readString(ch));
            assertEquals(List.of("printf", "found"), ch.command());
        }
    }

    @Test
    void aMissingProgramIsNamedWithThePath() {
        IOException e = assertThrows(IOException.class, () -> IoChannels.open("command:qio-no-such-program-4711"));
        assertContains(
                e.getMessage(),
                "command:qio-no-such-program-4711",
                "'qio-no-such-program-4711'",
                "not found on PATH",
                System.getenv("PATH"));
        IOException viaApi = assertThrows(
                IOException.class,
                () -> CommandChannels.spawn(List.of("qio-no-such-program-4711"), CommandOptions.defaults()));
        assertContains(viaApi.getMessage(), "qio-no-such-program-4711", "not found on PATH");
    }

    @Test
    void aPathIsNotLookedUpAndMustExist(@TempDir Path dir) {
        Path missing = dir.resolve("nothing-here");
        IOException e = assertThrows(
                IOException.class,
                () -> IoChannels.open("command:" + missing.toUri().getPath()));
        assertContains(e.getMessage(), missing.toString(), "no such file");
    }

    @Test
    void aNonExecutableProgramIsNamed(@TempDir Path dir) throws IOException {
        Path script = script(dir, "plain.sh", "#!/bin/sh\necho hi\n", "rw-r--r--");
        IOException e = assertThrows(
                IOException.class,
                () -> IoChannels.open("command:" + script.toUri().getPath()));
        assertContains(e.getMessage(), script.toString(), "not executable");
        IOException d = assertThrows(
                IOException.class,
                () -> IoChannels.open("command:" + dir.toUri().getPath()));
        assertContains(d.getMessage(), "is a directory");
    }

    @Test
    void aRelativePathIsResolvedInTheChildsDirectory(@TempDir Path dir) throws IOException {
        script(dir, "hello.sh", "#!/bin/sh\nprintf 'hello from %s' \"$(basename \"$PWD\")\"\n", "rwxr-xr-x");
        try (IoChannel ch =
                IoChannels.open("command:./hello.sh?mode=r&cwd=" + dir.toUri().getPath())) {
            assertEquals("hello from " + dir.getFileName(), TestSupport.readString(ch));
        }
        // Without cwd the JVM's directory is searched, which has no hello.sh.
        IOException e = assertThrows(IOException.class, () -> IoChannels.open("command:./hello.sh"));
        assertContains(e.getMessage(), "./hello.sh", "no such file");
        // A bare name is never looked up in cwd unless PATH says so.
        IOException bare = assertThrows(
                IOException.class,
                () -> IoChannels.open("command:hello.sh?cwd=" + dir.toUri().getPath()));
        assertContains(bare.getMessage(), "not found on PATH");
    }

    @Test
    void theChildRunsInCwd(@TempDir Path dir) throws IOException {
        try (CommandChannel ch = CommandChannels.spawn(
                List.of("pwd"),
                CommandOptions.defaults().withMode(CommandOptions.Mode.R).withCwd(dir))) {
            assertEquals(dir.toRealPath().toString() + "\n", TestSupport.readString(ch));
        }
    }

    @Test
    void aBadCwdIsNamed(@TempDir Path dir) throws IOException {
        Path missing = dir.resolve("gone");
        IOException e = assertThrows(
                IOException.class,
                () -> IoChannels.open("command:cat?cwd=" + missing.toUri().getPath()));
        assertContains(e.getMessage(), "cwd", missing.toString(), "does not exist");
        Path file = Files.writeString(dir.resolve("file"), "x");
        IOException f = assertThrows(
                IOException.class,
                () -> CommandChannels.spawn(
                        List.of("cat"), CommandOptions.defaults().withCwd(file)));
        assertContains(f.getMessage(), "cwd", file.toString(), "not a directory");
    }

    @Test
    void envAddsToTheInheritedEnvironment() throws IOException {
        try (IoChannel ch = IoChannels.open(
                "command:sh?arg=-c&arg=printf%20'%25s%7C%25s%7C%25s'%20%22$QIO_A%22%20%22$QIO_B%22%20%22$HOME%22"
                        + "&env.QIO_A=a%20b%26c&env.QIO_B=&mode=r")) {
            assertEquals("a b&c||" + System.getenv("HOME"), TestSupport.readString(ch));
        }
        CommandOptions options =
                CommandOptions.defaults().withMode(CommandOptions.Mode.R).withEnv("HOME", "/elsewhere");
        try (IoChannel ch = CommandChannels.spawn(List.of("sh", "-c", "printf %s \"$HOME\""), options)) {
            assertEquals("/elsewhere", TestSupport.readString(ch));
        }
    }

    @Test
    void badArgvIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> CommandChannels.spawn(List.of(), CommandOptions.defaults()));
        assertThrows(
                IllegalArgumentException.class, () -> CommandChannels.spawn(List.of(""), CommandOptions.defaults()));
        List<String> withNull = new ArrayList<>();
        withNull.add("cat");
        withNull.add(null);
        assertThrows(NullPointerException.class, () -> CommandChannels.spawn(withNull, CommandOptions.defaults()));
    }

    private static Path script(Path dir, String name, String text, String perms) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        try {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
        } catch (UnsupportedOperationException e) {
            throw new UncheckedIOException(new IOException("needs a POSIX file system", e));
        }
        return p;
    }
}

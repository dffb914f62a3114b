package dev.qio.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code qio} as a user would: a child JVM started exactly as the {@code ./qio} launcher
 * starts it ({@code java --module-path ... -m dev.qio.cli/dev.qio.cli.Main}), on the module path
 * Maven computed for these tests (the cli's classes and its runtime dependencies; see the pom's
 * {@code qio.test.modulePath}). Standard output and error go to files, so nothing needs draining.
 */
final class Qio {
    private Qio() {}

    /** How long one command may take before the test fails (and the process is killed). */
    static final long TIMEOUT_S = 120;

    /** What a finished command left. */
    record Result(int exit, byte[] stdout, String stderr) {
        String out() {
            return new String(stdout, StandardCharsets.UTF_8);
        }

        /** Fails with everything the command printed unless it exited with {@code expected}. */
        Result exits(int expected) {
            assertEquals(expected, exit, () -> "exit code; stdout:\n" + out() + "\nstderr:\n" + stderr);
            return this;
        }
    }

    /** The command line that starts {@code qio} with {@code args}. */
    static List<String> command(String... args) {
        String modulePath = System.getProperty("qio.test.modulePath");
        if (modulePath == null || modulePath.isBlank()) {
            fail("system property qio.test.modulePath is not set: run these tests through Maven (cli/pom.xml sets it)");
        }
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=dev.qio.channel.spi",
                "-Dqio.timeout.scale=" + System.getProperty("qio.timeout.scale", "1"),
                "--module-path",
                modulePath,
                "-m",
                "dev.qio.cli/dev.qio.cli.Main"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** Runs {@code qio args} with no standard input. */
    static Result run(String... args) throws IOException, InterruptedException {
        return run((Path) null, args);
    }

    /** Runs {@code qio args} with standard input read from {@code stdin} (none if null). */
    static Result run(Path stdin, String... args) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("qio-run-");
        try {
            Path out = dir.resolve("stdout");
            Path err = dir.resolve("stderr");
            ProcessBuilder pb = new ProcessBuilder(command(args))
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .redirectInput(
                            stdin != null
                                    ? ProcessBuilder.Redirect.from(stdin.toFile())
                                    : ProcessBuilder.Redirect.from(
                                            Path.of("/dev/null").toFile()));
            Process p = pb.start();
            if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                fail("qio " + String.join(" ", args) + " did not end within " + TIMEOUT_S + " s; stderr:\n"
                        + Files.readString(err));
            }
            return new Result(p.exitValue(), Files.readAllBytes(out), Files.readString(err));
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    /** Runs {@code Main} in this JVM with these streams: for tests that need an in-process peer (mem://). */
    static Result inProcess(InputStream stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Main.run(new Stdio(stdin, out, new PrintStream(err, true, StandardCharsets.UTF_8), false), args);
        return new Result(exit, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
    }

    /** Runs {@code Main} in this JVM with empty standard input. */
    static Result inProcess(String... args) {
        return inProcess(new ByteArrayInputStream(new byte[0]), args);
    }

    /** {@code file:///PATH} for a path of URI-safe characters, with {@code ?query} if not empty. */
    static String uri(Path file, String query) {
        return file.toAbsolutePath().toUri() + (query.isEmpty() ? "" : "?" + query);
    }

    /** Whether {@code stderr} holds exactly one line. */
    static boolean oneLine(String stderr) {
        return stderr.strip().lines().count() == 1;
    }

    /** Whether {@code stderr} holds a Java stack trace. */
    static boolean hasStackTrace(String stderr) {
        return stderr.contains("\tat ");
    }
}

package dev.qio.provider.socket;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A peer program run as a child process for an interop test: stdout and stderr go to files (so
 * it never blocks on a full pipe and the failure message can show them); {@link #close()} kills
 * it if it still runs and always waits for it, so no test leaves a process behind.
 */
final class Child implements AutoCloseable {
    private final Process process;
    private final Path out;
    private final String program;

    private Child(Process process, Path out, String program) {
        this.process = process;
        this.out = out;
        this.program = program;
    }

    /** Skips the test (an assumption naming the Debian package) unless {@code program versionArg} runs. */
    static void assumeInstalled(String program, String versionArg, String debianPackage) {
        boolean ok;
        try {
            Process p = new ProcessBuilder(program, versionArg)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            ok = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
            p.destroyForcibly();
        } catch (IOException e) {
            ok = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ok = false;
        }
        Assumptions.assumeTrue(
                ok,
                program + " is not on the PATH: skipping (Debian package " + debianPackage + "; .ci/run installs it)");
    }

    /** Starts {@code command} in {@code dir}, its output (both streams) going to a file there. */
    static Child start(Path dir, List<String> command) throws IOException {
        Path out = Files.createTempFile(dir, "child-", ".out");
        Process p = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        return new Child(p, out, command.get(0));
    }

    /** Waits (at most 30 s) for the child to exit and returns its status; kills it if it does not. */
    int awaitExit() throws IOException, InterruptedException {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError(program + " did not exit within 30 s; output: " + output());
        }
        return process.exitValue();
    }

    /** What the child printed so far. */
    String output() throws IOException {
        return Files.readString(out);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }
}

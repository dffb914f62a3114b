package dev.qio.provider.socket;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Python 3 script as a peer nobody here wrote the socket code of: it runs with its stdout as a
 * line protocol (it prints {@code ready} once it listens, then what it received), and closing
 * waits for it to exit, so no child outlives a test. Tests skip, naming python3, where there is none.
 */
final class PythonPeer implements AutoCloseable {
    private final Process process;
    private final BufferedReader out;

    private PythonPeer(Process process) {
        this.process = process;
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /** Starts {@code python3 -c script args...}, stderr to the test's log. */
    static PythonPeer start(String script, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(python(), "-c", script));
        cmd.addAll(List.of(args));
        return new PythonPeer(new ProcessBuilder(cmd)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start());
    }

    /** Debian's interpreter first: a pyenv shim on PATH may not run in a test's environment. */
    static String python() {
        for (String candidate : List.of("/usr/bin/python3", "python3")) {
            try {
                Process p = new ProcessBuilder(candidate, "-c", "pass")
                        .redirectErrorStream(true)
                        .start();
                p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
                if (p.waitFor() == 0) {
                    return candidate;
                }
            } catch (IOException e) {
                // try the next one
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        assumeTrue(false, "no python3 to run as a peer (Debian: apt-get install python3)");
        throw new AssertionError("unreachable");
    }

    /** The next line the script printed; fails if it exited first. */
    String line() throws IOException {
        String l = out.readLine();
        if (l == null) {
            throw new IOException("the python peer exited before printing a line: exit " + exitCode());
        }
        return l;
    }

    /** The next line the script printed, or null once it closed its stdout. */
    String lineOrNull() throws IOException {
        return out.readLine();
    }

    /** Waits for the script to exit and returns its status. */
    int exitCode() throws IOException {
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("the python peer did not exit within 30 s");
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for the python peer", e);
        }
    }

    @Override
    public void close() throws IOException {
        process.destroy();
        exitCode();
        out.close();
        process.getOutputStream().close();
    }
}

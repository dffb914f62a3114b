package dev.qio.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Whether a descriptor of this process is a terminal, as {@code isatty(3)} would say. */
final class Terminals {
    private Terminals() {}

    /**
     * Reads where {@code /proc/self/fd/N} points: a terminal is {@code /dev/pts/*},
     * {@code /dev/tty*} or {@code /dev/console}. Without {@code /proc}, falls back to
     * {@link java.io.Console#isTerminal()}, which looks at standard input and output instead.
     */
    static boolean isTerminal(int fd) {
        try {
            String target =
                    Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            java.io.Console console = System.console();
            return console != null && console.isTerminal();
        }
    }
}

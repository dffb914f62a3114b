package dev.qio.cli;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The streams a command uses: {@code in} and {@code out} carry data ({@code -} in a URI position),
 * {@code err} carries messages and progress. The process's own are unbuffered views of descriptors
 * 0, 1 and 2; tests that run a command in-process pass their own.
 *
 * @param in standard input, read by {@code -} as a source
 * @param out standard output, written by {@code -} as a destination and by tables and help
 * @param err messages, errors and progress
 * @param errIsTerminal whether {@code err} is a terminal, which turns {@code --progress} on by default
 */
public record Stdio(InputStream in, OutputStream out, PrintStream err, boolean errIsTerminal) {
    public Stdio {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(err, "err");
    }

    /** The process's descriptors 0, 1 and 2. */
    public static Stdio system() {
        return new Stdio(
                new FileInputStream(FileDescriptor.in),
                new FileOutputStream(FileDescriptor.out),
                new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8),
                Terminals.isTerminal(2));
    }
}

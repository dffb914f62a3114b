package dev.qio.cli.kit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A fixture's temporary directory: made on first use, removed with everything in it by
 * {@link #close()}, after which the next use makes a new one. Thread-safe.
 */
final class FixtureDir implements AutoCloseable {
    private final String prefix;
    private Path dir;

    FixtureDir(String prefix) {
        this.prefix = prefix;
    }

    /** The directory, made now if it does not exist yet. */
    synchronized Path get() throws IOException {
        if (dir == null) {
            dir = Files.createTempDirectory(prefix);
        }
        return dir;
    }

    /** Removes the directory and whatever the fixture (or a failed pair) left in it. */
    @Override
    public synchronized void close() throws IOException {
        if (dir != null) {
            delete(dir);
            dir = null;
        }
    }

    /** Removes {@code root} and everything under it. */
    static void delete(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}

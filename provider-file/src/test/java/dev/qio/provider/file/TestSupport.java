package dev.qio.provider.file;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.testkit.TestIo;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Helpers shared by this module's tests: URIs, unique names, FIFO ends, modes and the descriptors
 * under a directory. Text, FIFOs, open descriptors and blocked threads are the kit's
 * ({@link TestIo}, {@link dev.qio.testkit.Background}).
 */
final class TestSupport {
    private TestSupport() {}

    private static final AtomicInteger SERIAL = new AtomicInteger();

    /** {@code file:///PATH?QUERY} for an absolute path made of URI-safe characters (temp dirs are). */
    static String uri(Path path, String query) {
        String base = "file://" + path.toAbsolutePath();
        return query.isEmpty() ? base : base + "?" + query;
    }

    /** A name no other test in this JVM uses. */
    static String unique(String base) {
        return base + "-" + SERIAL.incrementAndGet();
    }

    /** Both ends of a FIFO: {@code writer} opened {@code mode=w}, {@code reader} {@code mode=r}. */
    record FifoEnds(IoChannel writer, IoChannel reader) implements AutoCloseable {
        /** Closes both ends. */
        @Override
        public void close() throws IOException {
            try (writer;
                    reader) {
                // try-with-resources closes both, and keeps the second failure as suppressed
            }
        }
    }

    /**
     * Opens both ends of {@code fifo} through {@code file:} URIs. Opening one end of a FIFO waits
     * for the other, so the reader opens on its own thread while this one opens the writer.
     */
    static FifoEnds openFifo(Path fifo) throws IOException {
        FutureTask<IoChannel> reader = new FutureTask<>(() -> IoChannels.open(uri(fifo, "mode=r")));
        Thread.ofPlatform().name("qio-fifo-open").daemon(true).start(reader);
        IoChannel writer;
        try {
            writer = IoChannels.open(uri(fifo, "mode=w"));
        } catch (IOException | RuntimeException e) {
            // The reader may wait for a writer: give it one so that its thread ends, then drop it.
            // Read-write, because Linux opens a FIFO that way at once: a write-only open would wait
            // for ever if the reader's open failed too.
            try (FileChannel unblock = FileChannel.open(fifo, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                closeQuietly(result(reader));
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        try {
            return new FifoEnds(writer, result(reader));
        } catch (IOException | RuntimeException e) {
            closeQuietly(writer);
            throw e;
        }
    }

    private static IoChannel result(FutureTask<IoChannel> task) throws IOException {
        try {
            return task.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException("opening the FIFO's read end failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while opening the FIFO's read end", e);
        } catch (TimeoutException e) {
            throw new IOException("the FIFO's read end did not open within 30 s", e);
        }
    }

    static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // cleanup after a failure that is already being reported
        }
    }

    /** The process's umask, from the {@code Umask:} line of {@code /proc/self/status}. */
    static int umask() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("Umask:")) {
                return Integer.parseInt(line.substring("Umask:".length()).strip(), 8);
            }
        }
        throw new IOException("/proc/self/status has no Umask line");
    }

    /** A file's permission bits as an octal number. */
    static int mode(Path file) throws IOException {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
        PosixFilePermission[] bits = PosixFilePermission.values();
        int mode = 0;
        for (int i = 0; i < bits.length; i++) {
            if (perms.contains(bits[i])) {
                mode |= 0400 >> i;
            }
        }
        return mode;
    }

    /** The descriptors of this process that refer to a file under {@code dir}. */
    static long descriptorsUnder(Path dir) throws IOException {
        Path real = dir.toRealPath();
        long n = 0;
        for (Path fd : TestIo.openDescriptors()) {
            try {
                if (Files.readSymbolicLink(fd).startsWith(real)) {
                    n++;
                }
            } catch (IOException closedMeanwhile) {
                // the descriptor that listed the directory, or one closed since
            }
        }
        return n;
    }
}

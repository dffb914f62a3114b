package dev.qio.provider.socket;

import dev.qio.channel.NativeFd;
import dev.qio.channel.spi.NativeFds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the kernel says about this process's descriptors, from {@code /proc/self}: for the descriptor-passing tests. */
final class Descriptors {
    private Descriptors() {}

    static final int O_NONBLOCK = 04000;
    static final int O_CLOEXEC = 02000000;

    /** The {@code flags:} of {@code /proc/self/fdinfo/N}: the open file's status flags, and O_CLOEXEC for this descriptor. */
    static int flags(NativeFd fd) throws IOException {
        return Integer.parseInt(field(fd, "flags:"), 8);
    }

    /** The {@code pos:} of {@code /proc/self/fdinfo/N}: the offset of the open file description, shared by every copy. */
    static long position(NativeFd fd) throws IOException {
        return Long.parseLong(field(fd, "pos:"));
    }

    /** The file a descriptor is open on. */
    static Path target(NativeFd fd) throws IOException {
        return Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd.value()));
    }

    /** How many descriptors this process has open. */
    static int openCount() throws IOException {
        return dev.qio.testkit.TestIo.openDescriptors().size();
    }

    /** A descriptor of a throwaway native socket: non-blocking, as every socket of the native backend. */
    static NativeFd nonBlockingSocket() throws IOException {
        try (TestSupport.Connected victim = TestSupport.Connected.over("unix")) {
            var socket = ((LinuxSocketChannel) victim.client()).socket();
            int n = socket.fd().acquire("victim");
            try {
                return NativeFds.dup(new Borrowed(n));
            } finally {
                socket.fd().release();
            }
        }
    }

    private static String field(NativeFd fd, String name) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo/" + fd.value()))) {
            if (line.startsWith(name)) {
                return line.substring(name.length()).strip();
            }
        }
        throw new IOException("no " + name + " in /proc/self/fdinfo/" + fd.value());
    }

    /** A number someone else owns, lent for one call. */
    private record Borrowed(int value) implements NativeFd {
        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
            throw new AssertionError("a borrowed descriptor is not closed here");
        }
    }
}

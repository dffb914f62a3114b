package dev.qio.channel.spi;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.qio.channel.NativeFd;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.lang.ref.Cleaner;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Native file descriptors through the FFM API ({@code open}, {@code dup}, {@code close}), for
 * providers that pass descriptors and for tests that need real ones.
 *
 * <p>The native calls are bound on first use, so a program that never passes descriptors never
 * needs native access. Where it is used, run with {@code --enable-native-access=dev.qio.channel.spi}
 * (module path) or {@code --enable-native-access=ALL-UNNAMED} (class path) to avoid the JDK's
 * warning. Only POSIX systems are supported; elsewhere {@link #isSupported()} is false.
 */
public final class NativeFds {
    private NativeFds() {}

    private static final Cleaner CLEANER =
            Cleaner.create(Thread.ofVirtual().name("qio-fd-cleaner").factory());

    /** Whether this platform has POSIX descriptors that these helpers can manage. */
    public static boolean isSupported() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        return os.contains("linux") || os.contains("mac");
    }

    /**
     * Opens {@code path} ({@code O_CLOEXEC}), for reading or for reading and writing.
     *
     * @throws IOException naming the path and the OS error
     */
    public static NativeFd open(Path path, boolean write) throws IOException {
        int fd;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Calls.CAPTURE);
            MemorySegment cpath = arena.allocateFrom(path.toString());
            fd = (int) Calls.OPEN.invokeExact(state, cpath, (write ? 2 : 0) | Calls.O_CLOEXEC, 0);
            if (fd < 0) {
                throw new IOException("cannot open " + path + ": " + Calls.strerror((int) Calls.ERRNO.get(state, 0L)));
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        return adopt(fd);
    }

    /**
     * Takes ownership of a raw descriptor: the returned object closes it, and a
     * {@link Cleaner} closes it if the object is dropped unclosed.
     */
    public static NativeFd adopt(int fd) {
        if (fd < 0) {
            throw new IllegalArgumentException("not a file descriptor: " + fd);
        }
        return new OwnedFd(fd);
    }

    /**
     * A new descriptor for the same open file description ({@code dup(2)}), owned by the caller,
     * as a receiver of {@code SCM_RIGHTS} gets.
     */
    public static NativeFd dup(NativeFd fd) throws IOException {
        int copy;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Calls.CAPTURE);
            copy = (int) Calls.DUP.invokeExact(state, fd.value());
            if (copy < 0) {
                throw new IOException("cannot dup descriptor " + fd.value() + ": "
                        + Calls.strerror((int) Calls.ERRNO.get(state, 0L)));
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        return adopt(copy);
    }

    /** Whether {@code fd} is an open descriptor of this process (Linux: {@code /proc/self/fd}). */
    public static boolean isOpenInProcess(int fd) {
        return fd >= 0
                && java.nio.file.Files.exists(Path.of("/proc/self/fd/" + fd), java.nio.file.LinkOption.NOFOLLOW_LINKS);
    }

    static void closeRaw(int fd) throws IOException {
        int rc;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Calls.CAPTURE);
            rc = (int) Calls.CLOSE.invokeExact(state, fd);
            if (rc < 0) {
                throw new IOException(
                        "cannot close descriptor " + fd + ": " + Calls.strerror((int) Calls.ERRNO.get(state, 0L)));
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** The bound native calls; initialised on first use so that unused means no native access. */
    private static final class Calls {
        static final Linker LINKER = Linker.nativeLinker();
        static final SymbolLookup LIBC = LINKER.defaultLookup();
        static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
        static final VarHandle ERRNO = CAPTURE.varHandle(PathElement.groupElement("errno"));
        static final Linker.Option ERRNO_OPT = Linker.Option.captureCallState("errno");
        static final int O_CLOEXEC =
                System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("mac") ? 0x1000000 : 0x80000;
        static final MethodHandle OPEN = LINKER.downcallHandle(
                LIBC.find("open").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT),
                ERRNO_OPT,
                Linker.Option.firstVariadicArg(2));
        static final MethodHandle DUP = LINKER.downcallHandle(
                LIBC.find("dup").orElseThrow(), FunctionDescriptor.of(JAVA_INT, JAVA_INT), ERRNO_OPT);
        static final MethodHandle CLOSE = LINKER.downcallHandle(
                LIBC.find("close").orElseThrow(), FunctionDescriptor.of(JAVA_INT, JAVA_INT), ERRNO_OPT);
        static final MethodHandle STRERROR =
                LINKER.downcallHandle(LIBC.find("strerror").orElseThrow(), FunctionDescriptor.of(ADDRESS, JAVA_INT));

        static String strerror(int errno) {
            try {
                MemorySegment s = (MemorySegment) STRERROR.invokeExact(errno);
                return s.reinterpret(256).getString(0) + " (errno " + errno + ")";
            } catch (Throwable t) {
                return "errno " + errno;
            }
        }
    }

    /** An owned descriptor; the number lives in a holder the cleaner can close without this object. */
    private static final class OwnedFd implements NativeFd {
        private final AtomicInteger fd;
        private final Cleaner.Cleanable cleanable;

        OwnedFd(int fd) {
            AtomicInteger holder = new AtomicInteger(fd);
            this.fd = holder;
            this.cleanable = CLEANER.register(this, () -> {
                int n = holder.getAndSet(-1);
                if (n >= 0) {
                    try {
                        closeRaw(n);
                    } catch (IOException ignored) {
                        // Nobody is left to report a failed close of a dropped descriptor to.
                    }
                }
            });
        }

        @Override
        public int value() {
            int n = fd.get();
            if (n < 0) {
                throw new IllegalStateException("descriptor is closed");
            }
            return n;
        }

        @Override
        public boolean isOpen() {
            return fd.get() >= 0;
        }

        @Override
        public void close() throws IOException {
            int n = fd.getAndSet(-1);
            if (n >= 0) {
                cleanable.clean(); // the holder is already -1, so the cleaning action does nothing
                closeRaw(n);
            }
        }

        @Override
        public String toString() {
            int n = fd.get();
            return n >= 0 ? "fd " + n : "fd (closed)";
        }
    }
}

package dev.qio.channel.spi.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * Connected descriptor pairs made by the kernel, as owned {@link OwnedFd}s (close-on-exec): a unix
 * {@code socketpair} and a {@code pipe}. For handing one end to a child process, and for testing
 * adoption ({@code IoChannels.open(NativeFd)}, {@code fd:N}) without a listener.
 */
public final class NativePairs {
    private NativePairs() {}

    private static final Linker LINKER = Linker.nativeLinker();
    private static final Linker.Option[] OPTIONS = {
        Linker.Option.captureCallState("errno"), Linker.Option.critical(true)
    };
    private static final MethodHandle SOCKETPAIR = LINKER.downcallHandle(
            LINKER.defaultLookup().find("socketpair").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS),
            OPTIONS);
    private static final MethodHandle PIPE2 = LINKER.downcallHandle(
            LINKER.defaultLookup().find("pipe2").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT),
            OPTIONS);
    private static final int O_CLOEXEC = 0x80000;

    /** Two connected unix stream sockets ({@code socketpair(AF_UNIX, SOCK_STREAM)}), blocking. */
    public static OwnedFd[] socketPair() throws IOException {
        int[] fds = new int[2];
        MemorySegment err = Sys.errnoSlot();
        int rc;
        try {
            rc = (int) SOCKETPAIR.invokeExact(
                    err, Sys.AF_UNIX, Sys.SOCK_STREAM | Sys.SOCK_CLOEXEC, 0, MemorySegment.ofArray(fds));
        } catch (Throwable t) {
            throw Sys.rethrow(t);
        }
        return owned(rc, err, fds, "socketpair");
    }

    /** A pipe, blocking: element 0 is the read end, element 1 the write end. */
    public static OwnedFd[] pipe() throws IOException {
        int[] fds = pipeNumbers("pipe2");
        return new OwnedFd[] {OwnedFd.of(fds[0]), OwnedFd.of(fds[1])};
    }

    /**
     * A pipe's two numbers, close-on-exec and blocking, for a caller in this package that owns them
     * at once (a child's standard streams).
     *
     * @param what names the pipe in the exception
     */
    static int[] pipeNumbers(String what) throws IOException {
        int[] fds = new int[2];
        MemorySegment err = Sys.errnoSlot();
        int rc;
        try {
            rc = (int) PIPE2.invokeExact(err, MemorySegment.ofArray(fds), O_CLOEXEC);
        } catch (Throwable t) {
            throw Sys.rethrow(t);
        }
        if (rc < 0) {
            throw new IOException(what + ": " + Sys.strerror(Sys.errno(err)));
        }
        return fds;
    }

    private static OwnedFd[] owned(int rc, MemorySegment err, int[] fds, String call) throws IOException {
        if (rc < 0) {
            throw new IOException(call + ": " + Sys.strerror(Sys.errno(err)));
        }
        return new OwnedFd[] {OwnedFd.of(fds[0]), OwnedFd.of(fds[1])};
    }
}

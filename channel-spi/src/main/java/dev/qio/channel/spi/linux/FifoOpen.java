package dev.qio.channel.spi.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * Opening a FIFO or a character device by path as a {@link NativeFile} that
 * {@linkplain NativeFile.Blocking#NEVER_BLOCKS never blocks}. The {@code open(2)} itself does
 * block (a FIFO's waits until its other end is opened), so it is linked normally, and a virtual
 * thread never makes it: a platform thread started for the open makes it while the virtual thread
 * waits, parked, holding no carrier.
 */
public final class FifoOpen {
    private FifoOpen() {}

    static final int O_RDONLY = 0;
    static final int O_WRONLY = 1;
    static final int O_RDWR = 2;
    private static final int O_NOCTTY = 0x100;
    private static final int O_APPEND = 0x400;
    private static final int O_CLOEXEC = 0x80000;
    private static final int EPERM = 1;
    private static final int ENXIO = 6;

    /** open(2) without a mode (no O_CREAT here). */
    private static final MethodHandle OPEN = Sys.linkBlocking("open", JAVA_INT, ADDRESS, JAVA_INT);

    /**
     * Opens {@code path} close-on-exec, then makes the descriptor non-blocking.
     *
     * @param access {@code "r"}, {@code "w"}, {@code "rw"} or {@code "a"} (append)
     * @throws NoSuchFileException, AccessDeniedException or FileSystemException naming the path
     *     with the kernel's reason
     * @throws IllegalArgumentException if {@code access} is none of those four
     */
    public static NativeFile open(Path path, String access, String name) throws IOException {
        int flags = O_CLOEXEC
                | O_NOCTTY
                | switch (access) {
                    case "r" -> O_RDONLY;
                    case "w" -> O_WRONLY;
                    case "rw" -> O_RDWR;
                    case "a" -> O_WRONLY | O_APPEND;
                    default -> throw new IllegalArgumentException("access '" + access + "' is not r, w, rw or a");
                };
        byte[] bytes = path.toString().getBytes(StandardCharsets.UTF_8);
        byte[] cPath = Arrays.copyOf(bytes, bytes.length + 1);
        int[] result = Thread.currentThread().isVirtual() ? openOffCarrier(cPath, flags) : openHere(cPath, flags);
        if (result[0] < 0) {
            throw openFailure(path, name, result[1]);
        }
        return NativeFile.pipeEnd(result[0], name);
    }

    /**
     * {@code open(2)} on this thread: {descriptor or -1, errno}. The call is linked normally, so
     * the path and the errno slot must be native memory.
     */
    private static int[] openHere(byte[] cPath, int flags) {
        int fd;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment err = arena.allocate(JAVA_INT);
            MemorySegment p = arena.allocate(cPath.length);
            MemorySegment.copy(cPath, 0, p, JAVA_BYTE, 0, cPath.length);
            do {
                fd = (int) OPEN.invokeExact(err, p, flags);
            } while (fd < 0 && Sys.errno(err) == Sys.EINTR);
            return new int[] {fd, fd < 0 ? Sys.errno(err) : 0};
        } catch (Throwable t) {
            throw Sys.rethrow(t);
        }
    }

    /**
     * {@code open(2)} on a platform thread of its own while the calling virtual thread parks. An
     * interrupt does not end the wait (an {@code open(2)} cannot be called back); it stays set.
     */
    private static int[] openOffCarrier(byte[] cPath, int flags) {
        FutureTask<int[]> task = new FutureTask<>(() -> openHere(cPath, flags));
        Thread opener = Thread.ofPlatform().name("qio-fifo-open").daemon(true).start(task);
        boolean interrupted = false;
        while (true) {
            try {
                opener.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        try {
            return task.get();
        } catch (ExecutionException e) {
            throw Sys.rethrow(e.getCause());
        } catch (InterruptedException e) {
            throw new IllegalStateException("unreachable: the task is done", e);
        }
    }

    private static FileSystemException openFailure(Path path, String name, int errno) {
        String reason = "cannot open " + name + ": " + Sys.strerror(errno);
        return switch (errno) {
            case Sys.ENOENT -> new NoSuchFileException(path.toString(), null, reason);
            case Sys.EACCES, EPERM -> new AccessDeniedException(path.toString(), null, reason);
            case ENXIO ->
                new FileSystemException(path.toString(), null, reason + " (no process has the other end open)");
            default -> new FileSystemException(path.toString(), null, reason);
        };
    }
}

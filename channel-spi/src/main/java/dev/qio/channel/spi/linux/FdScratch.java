package dev.qio.channel.spi.linux;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The native scratch memory of every descriptor {@link PolledFd} owns, in one table indexed by
 * descriptor number, so that an open descriptor holds no scratch object of its own: per number,
 * the errno slot of its reader, that of its writer, and the {@code struct epoll_event} that
 * {@code epoll_ctl} reads.
 *
 * <p>A slot belongs to whoever owns the number: only a thread that has {@linkplain
 * PolledFd#acquire acquired} the descriptor uses it, and it reads an errno before it releases the
 * descriptor, since after that the number may be closed and handed to a new file. The reader's and
 * the writer's slots are each used by one thread at a time (the transports' locks), the event under
 * the {@code PolledFd}'s monitor.
 *
 * <p>The table grows (doubling) when a larger number comes. Growth copies nothing: a user takes
 * its slot from the table of the moment ({@link #table}) and keeps using that table for it (an
 * errno slot for the life of its socket, the event for one call), and the old tables stay
 * allocated, which bounds the waste by the size of the last one (24 bytes per number).
 */
final class FdScratch {
    /** Offset of the reader's errno within a number's slot. */
    static final int READER_ERRNO = 0;
    /** Offset of the writer's errno. */
    static final int WRITER_ERRNO = 4;
    /** Offset of the {@code struct epoll_event} (12 bytes on x86_64, 16 elsewhere). */
    static final int EVENT = 8;

    private static final int SLOT = 24;

    /**
     * {@code epoll_ctl} with the event given by address and no errno: {@link PolledFd} tries the
     * other operation whatever the failure, and treats a second failure alike, so it needs none.
     */
    static final MethodHandle EPOLL_CTL = Linker.nativeLinker()
            .downcallHandle(
                    Linker.nativeLinker().defaultLookup().find("epoll_ctl").orElseThrow(),
                    FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG),
                    Linker.Option.critical(false));

    private static volatile MemorySegment table = Arena.global().allocate(1024L * SLOT, 8);

    private FdScratch() {}

    /** A table holding {@code fd}'s slot (at {@link #at}). */
    static MemorySegment table(int fd) {
        MemorySegment t = table;
        if ((long) fd * SLOT + SLOT <= t.byteSize()) {
            return t;
        }
        synchronized (FdScratch.class) {
            t = table;
            if ((long) fd * SLOT + SLOT > t.byteSize()) {
                t = Arena.global().allocate(Math.max((long) fd + 1, t.byteSize() / SLOT * 2) * SLOT, 8);
                table = t;
            }
            return t;
        }
    }

    /** Where {@code fd}'s slot starts in its table. */
    static long at(int fd) {
        return (long) fd * SLOT;
    }
}

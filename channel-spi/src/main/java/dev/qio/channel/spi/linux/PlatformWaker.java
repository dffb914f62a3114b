package dev.qio.channel.spi.linux;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.ClosedByInterruptException;

/**
 * How a platform thread waits for a descriptor in the kernel: {@code poll(2)} on the descriptor
 * and on an eventfd, so that another thread can end the wait by writing the eventfd
 * ({@link #wake()}: a close, a shutdown, a {@code hold}). A waiting thread takes one from a pool
 * for the wait and gives it back after ({@link #take()}, {@link #give()}), so the process holds
 * as many eventfds as platform threads ever waited at once: none per channel, none per thread.
 *
 * <p>An interrupt ends the wait as well: the poll runs between {@code begin()} and {@code end()}
 * of an {@link InterruptHook} whose wake-up writes the eventfd, which is how the
 * JDK's own selectors learn of interrupts.
 */
final class PlatformWaker {
    /** Idle wakers; a stack, so a few stay warm. Guarded by itself. */
    private static final java.util.ArrayDeque<PlatformWaker> POOL = new java.util.ArrayDeque<>();

    private final int eventfd;
    /** {@code struct pollfd[2]}: the waited-on descriptor, then the eventfd. Native: poll blocks. */
    private final MemorySegment pollfds;

    private final MemorySegment err;
    /** The 8-byte 1 that {@link #wake()} writes; never changes, so any thread may write it. */
    private final MemorySegment one;
    /** Where the owning thread reads the eventfd's count into. */
    private final MemorySegment drained;

    private InterruptHook interrupter = new InterruptHook(this::wake);

    /** A waker for one wait; {@link #give()} it back. */
    static PlatformWaker take() {
        synchronized (POOL) {
            PlatformWaker w = POOL.pollFirst();
            if (w != null) {
                return w;
            }
        }
        return new PlatformWaker();
    }

    /** Returns this waker to the pool; a wake-up that arrives later only makes a later wait poll twice. */
    void give() {
        synchronized (POOL) {
            POOL.addFirst(this);
        }
    }

    private PlatformWaker() {
        Arena arena = Arena.global(); // pooled for the life of the process
        MemorySegment errno = Sys.errnoSlot();
        int efd;
        try {
            efd = (int) Sys.EVENTFD.invokeExact(errno, 0, Sys.EFD_CLOEXEC | Sys.EFD_NONBLOCK);
        } catch (Throwable t) {
            throw Sys.rethrow(t);
        }
        if (efd < 0) {
            throw new IllegalStateException("eventfd: " + Sys.strerror(Sys.errno(errno)));
        }
        eventfd = efd;
        pollfds = arena.allocate(16, 8);
        err = arena.allocate(JAVA_INT);
        one = arena.allocate(JAVA_LONG);
        one.set(JAVA_LONG, 0, 1L);
        drained = arena.allocate(JAVA_LONG);
        pollfds.set(JAVA_INT, 8, efd);
        pollfds.set(JAVA_SHORT, 12, Sys.POLLIN);
    }

    /** Ends a wait in progress, or makes the next one return at once. Any thread. */
    void wake() {
        try {
            long unused = (long) Sys.WRITE.invokeExact(Sys.errnoSlot(), eventfd, one, 8L);
        } catch (Throwable t) {
            throw Sys.rethrow(t);
        }
    }

    /**
     * Waits until {@code fd} reports one of {@code events}, or until {@link #wake()}, an
     * interrupt or {@code timeoutMillis} (-1: none). Only the thread that took it calls it.
     *
     * @return the descriptor's {@code revents} (0 after a wake-up or a timeout)
     * @throws InterruptedIOException if the thread is interrupted; its status stays set
     */
    int await(int fd, short events, int timeoutMillis, String name) throws IOException {
        pollfds.set(JAVA_INT, 0, fd);
        pollfds.set(JAVA_SHORT, 4, events);
        pollfds.set(JAVA_SHORT, 6, (short) 0);
        pollfds.set(JAVA_SHORT, 14, (short) 0);
        boolean done = false;
        interrupter.enter();
        try {
            int n;
            do {
                n = pollKernel(timeoutMillis);
            } while (n < 0
                    && Sys.errno(err) == Sys.EINTR
                    && !Thread.currentThread().isInterrupted());
            if (n < 0 && Sys.errno(err) != Sys.EINTR) {
                throw new IOException(name + ": poll: " + Sys.strerror(Sys.errno(err)));
            }
            done = true;
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw Sys.rethrow(t);
        } finally {
            try {
                interrupter.leave(done);
            } catch (ClosedByInterruptException e) {
                interrupter =
                        new InterruptHook(this::wake); // the interrupt closed this one; the next wait needs a fresh one
                drain();
                InterruptedIOException ie = new InterruptedIOException(name + ": interrupted while waiting");
                ie.initCause(e);
                throw ie;
            }
        }
        if (pollfds.get(JAVA_SHORT, 14) != 0) {
            drain();
        }
        return pollfds.get(JAVA_SHORT, 6) & 0xffff;
    }

    /** The wait itself, in a method of its own: {@link Linux#isWaitingInKernel} looks for it. */
    private int pollKernel(int timeoutMillis) throws Throwable {
        return (int) Sys.POLL.invokeExact(err, pollfds, 2L, timeoutMillis);
    }

    private void drain() {
        try {
            long unused = (long) Sys.READ.invokeExact(err, eventfd, drained, 8L);
        } catch (Throwable t) {
            throw Sys.rethrow(t);
        }
    }
}

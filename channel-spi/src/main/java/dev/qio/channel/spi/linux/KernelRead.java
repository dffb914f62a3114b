package dev.qio.channel.spi.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.qio.channel.IoChannel;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.channels.ClosedByInterruptException;

/**
 * A platform thread's read of a socket in blocking mode as one blocking {@code recv(2)}, the way a
 * blocking {@code SocketChannel} reads: one system call per read, where waiting through
 * {@link PolledFd} costs three (a {@code recv} that finds nothing, a {@code poll}, a second
 * {@code recv}). One per socket, made when a platform thread first reads it in blocking mode;
 * virtual threads never come here (the call blocks, which would pin their carrier).
 *
 * <p>The descriptor is switched to blocking mode for it ({@code O_NONBLOCK} cleared): every other
 * call on a socket passes {@code MSG_DONTWAIT}, so nothing else starts to block.
 *
 * <p>How another thread ends the wait: a close marks the {@link PolledFd} closing and then calls
 * {@link #wake()}; an interrupt reaches {@link #wake()} through an
 * {@link InterruptHook} ({@code begin}/{@code end}), as the JDK's own blocking
 * calls do. {@link #wake()} sends the thread in {@code recv} the signal the JDK itself uses to end
 * blocking calls ({@code SIGRTMAX - 2} on Linux), whose handler the JDK installs without
 * {@code SA_RESTART}, so the call returns {@code EINTR}. It signals until the thread has left the
 * call, which closes the window between the reader's last check and its entry into the kernel.
 * The thread's id is cleared under this object's monitor before the thread can end, so a signal
 * never goes to a thread that is gone. {@link #AVAILABLE} is false, and readers wait through the
 * poller as before, when the JDK's handler is not there or {@code -Dqio.native.kernelReads=false}.
 * A shutdown of the read side needs no signal: the kernel ends a blocked {@code recv} itself.
 *
 * <p>Before it sleeps, a reader on a machine with more than one CPU polls for up to
 * {@link #SPIN_NANOS} with non-blocking {@code recv} calls, but only while that pays: when the
 * last wait for data on this socket ended within that time. A peer that answers in microseconds
 * (a local process, a loopback ping-pong) then never costs a sleep and a wake-up in the
 * scheduler, which on a virtual machine are most of a round trip; a peer that takes longer costs
 * one spin, after which the socket's reads sleep at once until a wait is short again. With one
 * CPU (a pinned process) a spin would only keep the peer from running, so there is none; set
 * {@code -Dqio.native.readSpinMicros=0} to have none anywhere.
 */
final class KernelRead {
    /** Whether blocking reads may wait in {@code recv}: the signal and its handler are in place. */
    static final boolean AVAILABLE;

    /**
     * How long a blocking read polls before it sleeps, in nanoseconds; 0 for never: one CPU, or
     * {@code -Dqio.native.readSpinMicros=0} (default 50 µs, the order of a wake-up's cost on a
     * virtual machine and the kernel's own suggestion for {@code busy_read}).
     */
    static final long SPIN_NANOS = Runtime.getRuntime().availableProcessors() < 2 ? 0 : Linux.readSpinMicros() * 1000;

    private static final int SIGNAL;
    private static final int SA_RESTART = 0x10000000;
    /** glibc's {@code struct sigaction}: handler, a 128-byte mask, flags, restorer. */
    private static final int SIGACTION_SIZE = 152;

    private static final int SIGACTION_FLAGS = 136;

    /** recv(2) that may block: linked without {@code critical}, so it lets safepoints proceed. */
    private static final MethodHandle RECV_WAIT;

    private static final MethodHandle PTHREAD_SELF;
    private static final MethodHandle PTHREAD_KILL;

    static {
        Linker linker = Linker.nativeLinker();
        var libc = linker.defaultLookup();
        RECV_WAIT = linker.downcallHandle(
                libc.find("recv").orElseThrow(),
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT),
                Linker.Option.captureCallState("errno"));
        PTHREAD_SELF = linker.downcallHandle(
                libc.find("pthread_self").orElseThrow(),
                FunctionDescriptor.of(JAVA_LONG),
                Linker.Option.critical(false));
        PTHREAD_KILL = linker.downcallHandle(
                libc.find("pthread_kill").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT),
                Linker.Option.critical(false));
        int signal = -1;
        boolean ok = false;
        if (Linux.kernelReads()) {
            try {
                signal = (int) linker.downcallHandle(
                                        libc.find("__libc_current_sigrtmax").orElseThrow(),
                                        FunctionDescriptor.of(JAVA_INT))
                                .invokeExact()
                        - 2;
                // The JDK installs the handler when its blocking-call support first loads.
                Class.forName("sun.nio.ch.NativeThread", true, null);
                ok = handlerInterrupts(linker, libc, signal);
            } catch (Throwable unavailable) {
                ok = false;
            }
        }
        SIGNAL = signal;
        AVAILABLE = ok;
    }

    /** Whether {@code signal} has a handler (not the default, not ignored) that does not restart calls. */
    private static boolean handlerInterrupts(Linker linker, java.lang.foreign.SymbolLookup libc, int signal)
            throws Throwable {
        MethodHandle sigaction = linker.downcallHandle(
                libc.find("sigaction").orElseThrow(), FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment old = arena.allocate(SIGACTION_SIZE, 8);
            if ((int) sigaction.invokeExact(signal, MemorySegment.NULL, old) != 0) {
                return false;
            }
            long handler = old.get(JAVA_LONG, 0);
            int flags = old.get(JAVA_INT, SIGACTION_FLAGS);
            return handler != 0 && handler != 1 && (flags & SA_RESTART) == 0;
        }
    }

    /**
     * The {@code pthread_t} of the thread in {@code recv}, 0 when none. The reader sets it without
     * the monitor, before it checks for a close or an interrupt (volatile on both sides: a waker
     * that reads 0 here is seen by that check); it clears it under {@code this}, which a waker
     * holds while it signals, so no signal reaches a thread that has left the call.
     */
    private volatile long thread;
    /**
     * How many wakers wait for the reader to leave the call; guarded by {@code this}. The reader
     * notifies only when one does: {@code notifyAll} is a call into the VM, once per read for
     * nothing otherwise.
     */
    private int wakers;
    /** Replaced after an interrupt has closed it; only the reader touches the field. */
    private InterruptHook interrupter = new InterruptHook(this::wake);
    /**
     * The {@link Thread#threadId()} of the last reader and its {@code pthread_t}: a socket is
     * mostly read by one thread, which then asks the C library once. Only the reader touches them.
     */
    private long readerId = -1;

    private long readerPthread;
    /** Whether the descriptor is in blocking mode yet; only the reader touches it. */
    private boolean blockingMode;
    /**
     * Whether the last wait for data ended within {@link #SPIN_NANOS}, so the next one polls
     * first; only the reader touches it.
     */
    private boolean spinPays = true;

    /**
     * One blocking {@code recv} of at most {@code length} bytes into native memory at
     * {@code address}, by the socket's one reader, a platform thread, which has acquired {@code h}
     * from {@code fd}.
     *
     * @param errno where the call's errno goes: native memory, as a call that is not critical
     *     cannot write to the heap
     * @return bytes read, 0 at end of stream, {@link IoChannel#ERR_BLOCK} when the call ended
     *     without data (a close, a stray signal, or the descriptor found non-blocking): the caller
     *     checks why and waits or retries; or -1 with {@code errno} set for a failure
     * @throws InterruptedIOException if the thread is interrupted before any byte was read; its
     *     interrupt status stays set
     */
    long recv(PolledFd fd, int h, long address, long length, int flags, MemorySegment errno, String name)
            throws IOException {
        if (!blockingMode) {
            blockingMode = true;
            setBlocking(h, name);
        }
        long start = 0;
        if (SPIN_NANOS > 0) {
            start = System.nanoTime();
            if (spinPays) {
                long n = spin(fd, h, address, length, flags, errno, start);
                if (n != IoChannel.ERR_BLOCK) {
                    return n;
                }
            }
        }
        long n = waitInKernel(fd, h, address, length, flags, errno, name);
        if (SPIN_NANOS > 0) {
            spinPays = System.nanoTime() - start < SPIN_NANOS;
        }
        return n;
    }

    /**
     * Non-blocking {@code recv} calls until one finds data, the end of the stream or a failure, or
     * {@link #SPIN_NANOS} after {@code start}; it stops early for a close or an interrupt, which
     * {@link #waitInKernel} then reports.
     *
     * @return as {@link #recv}, {@link IoChannel#ERR_BLOCK} when the time ran out
     */
    private long spin(PolledFd fd, int h, long address, long length, int flags, MemorySegment errno, long start) {
        try {
            do {
                if (fd.isClosing() || Thread.currentThread().isInterrupted()) {
                    break;
                }
                long n = (long) Sys.RECV_AT.invokeExact(errno, h, address, length, flags | Sys.MSG_DONTWAIT);
                if (n >= 0 || Sys.errno(errno) != Sys.EAGAIN) {
                    return n;
                }
                Thread.onSpinWait();
            } while (System.nanoTime() - start < SPIN_NANOS);
        } catch (Throwable t) {
            throw Sys.rethrow(t);
        }
        return IoChannel.ERR_BLOCK;
    }

    /** The wait itself: one blocking {@code recv} that a close or an interrupt can end. */
    private long waitInKernel(
            PolledFd fd, int h, long address, long length, int flags, MemorySegment errno, String name)
            throws IOException {
        InterruptHook intr = interrupter;
        long n = IoChannel.ERR_BLOCK;
        intr.enter();
        try {
            long id = Thread.currentThread().threadId();
            if (id != readerId) {
                readerPthread = (long) PTHREAD_SELF.invokeExact();
                readerId = id;
            }
            thread = readerPthread;
            try {
                if (!fd.isClosing() && !Thread.currentThread().isInterrupted()) {
                    n = recvKernel(h, address, length, flags, errno);
                }
            } finally {
                synchronized (this) {
                    thread = 0;
                    if (wakers > 0) {
                        notifyAll();
                    }
                }
            }
        } catch (Throwable t) {
            throw Sys.rethrow(t);
        } finally {
            try {
                intr.leave(n >= 0);
            } catch (ClosedByInterruptException e) {
                interrupter = new InterruptHook(this::wake); // the interrupt closed this one
                if (n <= 0) {
                    InterruptedIOException ie = new InterruptedIOException(name + ": interrupted while reading");
                    ie.initCause(e);
                    throw ie;
                }
                // Bytes arrived with the interrupt: they are the caller's; the next call sees the status.
            }
        }
        if (n < 0 && n != IoChannel.ERR_BLOCK) {
            int e = Sys.errno(errno);
            if (e == Sys.EINTR || e == Sys.EAGAIN) {
                return IoChannel.ERR_BLOCK;
            }
        }
        return n;
    }

    /** The call itself, in a method of its own: {@link Linux#isWaitingInKernel} looks for it. */
    private static long recvKernel(int h, long address, long length, int flags, MemorySegment errno) throws Throwable {
        return (long) RECV_WAIT.invokeExact(errno, h, address, length, flags);
    }

    /**
     * Ends the {@code recv} of the thread in one, if any, and returns once it has left the call.
     * Any thread; the caller has made sure the reader will not go back in (a close marked the
     * descriptor closing; an interrupt set the thread's status). Between signals it waits on this
     * object's monitor, releasing it, so the reader can say it has left: a waker that held on to
     * the monitor could starve the reader of it. A signal that lands before the reader is in the
     * call is sent again after a millisecond.
     */
    synchronized void wake() {
        boolean interrupted = false;
        wakers++;
        try {
            while (thread != 0) {
                try {
                    int unused = (int) PTHREAD_KILL.invokeExact(thread, SIGNAL);
                } catch (Throwable t) {
                    throw Sys.rethrow(t);
                }
                try {
                    wait(1);
                } catch (InterruptedException e) {
                    interrupted = true; // the waker's own interrupt: keep it for its caller
                }
            }
        } finally {
            wakers--;
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static void setBlocking(int h, String name) throws IOException {
        MemorySegment err = Sys.errnoSlot();
        try {
            int flags = (int) Sys.FCNTL.invokeExact(err, h, Sys.F_GETFL, 0);
            if (flags < 0 || (int) Sys.FCNTL.invokeExact(err, h, Sys.F_SETFL, flags & ~Sys.O_NONBLOCK) < 0) {
                throw new IOException(name + ": fcntl: " + Sys.strerror(Sys.errno(err)));
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw Sys.rethrow(t);
        }
    }
}

package dev.qio.provider.socket;

import dev.qio.channel.Feature;
import dev.qio.channel.IoCondition;
import dev.qio.channel.NativeFd;
import dev.qio.channel.PeerCredentials;
import dev.qio.channel.ReadFlag;
import dev.qio.channel.Shutdown;
import dev.qio.channel.WriteFlag;
import dev.qio.channel.spi.AbstractIoChannel;
import dev.qio.channel.spi.Iov;
import dev.qio.channel.spi.Readiness;
import dev.qio.channel.spi.linux.ControlMessages;
import dev.qio.channel.spi.linux.NativeSocket;
import dev.qio.channel.spi.linux.PolledFd;
import dev.qio.channel.spi.linux.ZeroCopySends;
import java.io.IOException;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;

/**
 * A connected TCP or unix socket on the native backend ({@link LinuxSocketProvider}): QEMU's
 * QIOChannelSocket on direct system calls.
 *
 * <p>A read or write tries the kernel once; on EAGAIN it returns {@code ERR_BLOCK} in
 * non-blocking mode, and in blocking mode waits as {@link PolledFd} waits (a platform thread in
 * {@code poll(2)}, a virtual thread parked after arming epoll itself) and tries again; a platform
 * thread's blocking read waits inside its {@code recv} instead ({@link NativeSocket#read}). Besides
 * the base, a channel holds its socket and descriptor; scratch for a direction, descriptor passing
 * or zero-copy is made on its first use, and nothing is allocated per read, write or wait.
 *
 * <p>Semantics are those of {@link SocketIoChannel}: {@link Feature#SHUTDOWN} and
 * {@link Feature#CONCURRENT_IO}; {@code shutdown(WRITE)} sends FIN; {@code shutdown(READ)} makes
 * reads return EOF at once and wakes a blocked reader; {@code close()} wakes blocked readers and
 * writers with {@code AsynchronousCloseException}; a reset is an {@link IOException}, never EOF.
 * {@code setDelay(false)} is {@code TCP_NODELAY} and {@code setCork} is {@code TCP_CORK}, both in
 * the kernel. {@link Feature#READ_MSG_PEEK} on both ({@code MSG_PEEK}: the bytes land in the
 * buffers and stay queued for the next read).
 *
 * <p>On {@code tcp:}: {@link Feature#WRITE_ZERO_COPY} where the kernel accepts {@code SO_ZEROCOPY}
 * ({@link ZeroCopySends}: a {@code ZERO_COPY} write's buffers must not change until
 * {@link #flush()} returns; writes under 10 KiB, and heap buffers, are copied).
 *
 * <p>On {@code unix:}: {@link Feature#FD_PASS}, up to {@link ControlMessages#MAX_FDS} descriptors
 * per write, sent with its first byte ({@code SCM_RIGHTS}); a read asking for descriptors gets
 * those that came with its bytes as owned, close-on-exec {@code NativeFd}s, in blocking mode
 * unless {@link ReadFlag#FD_PRESERVE_BLOCKING}. A read that asks for none has the kernel discard
 * any that arrive. More descriptors than a read has room for ({@code MSG_CTRUNC}) is an error that
 * closes those that arrived and fails later reads too, since the bytes they came with were
 * consumed. {@link #peerPid()} and {@link #peerCredentials()} are the peer's ({@code SO_PEERCRED}).
 * A channel dropped without {@code close()} has its descriptor closed by a {@link Cleaner}.
 */
final class LinuxSocketChannel extends AbstractIoChannel {
    /** What a wait on the descriptor checks besides its closing: nothing, as {@link #implClose} closes it. */
    private static final java.util.function.BooleanSupplier ALWAYS = () -> true;

    private static final Cleaner CLEANER = Cleaner.create(
            Thread.ofPlatform().name("qio-socket-cleaner").daemon(true).factory());

    private final NativeSocket socket;
    private final boolean tcp;
    private final Cleaner.Cleanable cleanable;
    /**
     * Zero-copy bookkeeping, made on the first {@code ZERO_COPY} write (the feature says whether the
     * kernel took {@code SO_ZEROCOPY}); null before. Under the base's write lock.
     */
    private ZeroCopySends zeroCopy;
    /** Set once by shutdown(READ); reads return EOF from then on. */
    private volatile boolean readShut;
    /** Set once by shutdown(WRITE); writes fail from then on. */
    private volatile boolean writeShut;
    /**
     * The error a read met (a reset), kept because the kernel reports it once and reads EOF after:
     * a reset must never read as a clean end of stream, so later reads fail the same way, as
     * {@code java.nio} does.
     */
    private volatile IOException readFailure;
    /** Control buffers for descriptors, made on a direction's first use; under the base's read or write lock. */
    private ControlMessages readControl;

    private ControlMessages writeControl;

    LinuxSocketChannel(String name, NativeSocket socket, boolean tcp) {
        super(name);
        this.socket = socket;
        this.tcp = tcp;
        setFeature(Feature.SHUTDOWN);
        setFeature(Feature.CONCURRENT_IO);
        setFeature(Feature.READ_MSG_PEEK);
        if (tcp && ZeroCopySends.enable(socket, name)) {
            setFeature(Feature.WRITE_ZERO_COPY);
        }
        if (!tcp) {
            setFeature(Feature.FD_PASS);
        }
        this.cleanable = CLEANER.register(this, new Drop(socket));
    }

    /** The socket itself, for tests in this package that compare with what the kernel says. */
    NativeSocket socket() {
        return socket;
    }

    /** Closes the socket of a channel nobody closed; holds no reference to the channel. */
    private record Drop(NativeSocket socket) implements Runnable {
        @Override
        public void run() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // Nobody is left to tell about a failed close of a dropped channel.
            }
        }
    }

    @Override
    protected long implReadv(ByteBuffer[] iov, List<NativeFd> fdsOut, Set<ReadFlag> flags) throws IOException {
        boolean peek = flags.contains(ReadFlag.MSG_PEEK);
        if (fdsOut != null && Iov.remaining(iov) == 0) {
            return 0; // descriptors travel with bytes: a read of none has none to give
        }
        while (true) {
            if (readShut) {
                return EOF;
            }
            if (readFailure != null) {
                throw error("Unable to read from socket", readFailure);
            }
            long n;
            try {
                n = fdsOut != null
                        ? socket.read(iov, peek, readControl(), name())
                        : socket.read(iov, peek, isBlocking(), name());
            } catch (java.io.InterruptedIOException e) {
                throw e; // the thread's interrupt, not the socket's failure: the channel stays usable
            } catch (IOException e) {
                if (socket.fd().isClosing()) {
                    throw e;
                }
                readFailure = e;
                socket.fd().hold(IoCondition.IN, IoCondition.ERR);
                throw error("Unable to read from socket", e);
            }
            if (n > 0) {
                if (fdsOut != null) {
                    deliver(fdsOut, flags);
                }
                return n;
            }
            if (n == 0) {
                socket.fd().hold(IoCondition.IN, IoCondition.HUP);
                return EOF;
            }
            if (!isBlocking()) {
                return ERR_BLOCK;
            }
            waitFor(IoCondition.IN);
        }
    }

    /** Hands the descriptors of the last read to the caller; a truncated set fails this read and every later one. */
    private void deliver(List<NativeFd> fdsOut, Set<ReadFlag> flags) throws IOException {
        try {
            readControl.deliver(fdsOut, flags.contains(ReadFlag.FD_PRESERVE_BLOCKING), name());
        } catch (IOException e) {
            readFailure = e;
            socket.fd().hold(IoCondition.IN, IoCondition.ERR);
            throw e;
        }
    }

    private ControlMessages readControl() {
        if (readControl == null) {
            readControl = new ControlMessages();
        }
        return readControl;
    }

    private ControlMessages writeControl() {
        if (writeControl == null) {
            writeControl = new ControlMessages();
        }
        return writeControl;
    }

    @Override
    protected long implWritev(ByteBuffer[] iov, List<NativeFd> fds, Set<WriteFlag> flags) throws IOException {
        if (writeShut) {
            throw error("Unable to write to socket: shut down for writing", null);
        }
        while (true) {
            long n;
            try {
                n = !fds.isEmpty()
                        ? socket.write(iov, fds, writeControl(), name())
                        : flags.contains(WriteFlag.ZERO_COPY)
                                ? zeroCopy().write(iov, name())
                                : socket.write(iov, name());
            } catch (IOException e) {
                if (socket.fd().isClosing()) {
                    throw e;
                }
                socket.fd().hold(IoCondition.OUT, IoCondition.ERR);
                throw error("Unable to write to socket", e);
            }
            if (n > 0) {
                return n;
            }
            if (!isBlocking()) {
                return ERR_BLOCK;
            }
            waitFor(IoCondition.OUT);
        }
    }

    /**
     * Waits in blocking mode until {@code condition} may hold: on the descriptor itself, so that a
     * parked virtual thread keeps a short stack (what an idle connection's memory mostly is), or
     * through the base's {@code await} when another thread already waits there (a user's
     * {@code await} beside a blocked read). A close meanwhile ends it: {@link #implClose} closes the
     * descriptor, the wait throws, and the base reports {@code AsynchronousCloseException}.
     */
    private void waitFor(IoCondition condition) throws IOException {
        if (!socket.fd().awaitDirectly(condition, ALWAYS, name())) {
            await(condition);
        }
    }

    /** QEMU's {@code qio_channel_socket_flush}; see {@link ZeroCopySends#flush}. */
    @Override
    protected int implFlush() throws IOException {
        return zeroCopy == null ? 0 : zeroCopy.flush(name()); // nothing was sent zero-copy yet
    }

    /** The zero-copy bookkeeping, made on the first zero-copy write (package-private for tests). */
    ZeroCopySends zeroCopy() {
        if (zeroCopy == null) {
            zeroCopy = new ZeroCopySends(socket);
        }
        return zeroCopy;
    }

    @Override
    protected void implClose() throws IOException {
        cleanable.clean(); // closes the socket (waking every waiter) once, here rather than after GC
    }

    @Override
    protected Readiness readiness() {
        return socket.fd();
    }

    @Override
    protected void implSetBlocking(boolean blocking) {
        // Nothing to switch: the descriptor stays non-blocking and blocking mode waits for readiness.
    }

    @Override
    protected void implShutdown(Shutdown how) throws IOException {
        boolean reads = how.reads() && !readShut;
        boolean writes = how.writes() && !writeShut;
        readShut |= how.reads();
        writeShut |= how.writes();
        try {
            if (reads || writes) {
                socket.shutdown(reads, writes, name());
            }
        } catch (IOException e) {
            // The peer may already have reset the connection; the direction is closed either way.
        } finally {
            if (readShut) {
                socket.fd().hold(IoCondition.IN); // wakes a reader waiting for IN: it reads EOF now
            }
        }
    }

    @Override
    protected void implSetDelay(boolean enabled) {
        if (tcp) {
            try {
                socket.setNoDelay(!enabled, name());
            } catch (IOException ignored) {
                // A hint: a socket that refuses it keeps its current behaviour.
            }
        }
    }

    @Override
    protected void implSetCork(boolean enabled) {
        if (tcp) {
            try {
                socket.setCork(enabled, name());
            } catch (IOException ignored) {
                // A hint, as QEMU's: uncorking a socket the peer reset fails, and the next write says so.
            }
        }
    }

    @Override
    protected long implPeerPid() throws IOException {
        return implPeerCredentials().pid();
    }

    @Override
    protected PeerCredentials implPeerCredentials() throws IOException {
        if (tcp) {
            throw new UnsupportedOperationException(
                    name() + ": Channel does not support peer credentials: TCP carries none (unix sockets do)");
        }
        return socket.peerCredentials(name());
    }
}

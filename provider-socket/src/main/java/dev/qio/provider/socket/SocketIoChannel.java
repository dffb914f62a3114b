package dev.qio.provider.socket;

import dev.qio.channel.Feature;
import dev.qio.channel.IoCondition;
import dev.qio.channel.NativeFd;
import dev.qio.channel.ReadFlag;
import dev.qio.channel.Shutdown;
import dev.qio.channel.WriteFlag;
import dev.qio.channel.spi.AbstractIoChannel;
import dev.qio.channel.spi.BlockingEmulation;
import dev.qio.channel.spi.Iov;
import dev.qio.channel.spi.Readiness;
import dev.qio.channel.spi.SelectorReadiness;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A connected stream socket, TCP or unix (QEMU's QIOChannelSocket).
 *
 * <p>The underlying {@link SocketChannel} always stays in non-blocking mode. A read or write tries
 * the socket; when the kernel says EAGAIN it returns {@code ERR_BLOCK} in non-blocking mode, and in
 * blocking mode parks on the shared poller until the socket is ready, then tries again. So
 * {@code ERR_BLOCK} comes exactly when the kernel has nothing to give or no room, and a virtual
 * thread blocked in a read holds no carrier thread.
 *
 * <p>Features: {@link Feature#SHUTDOWN} and {@link Feature#CONCURRENT_IO} (one reader and one
 * writer at once, as {@code SocketChannel} allows). {@code shutdown(WRITE)} sends FIN: the peer
 * reads EOF after the data and can still send back. {@code shutdown(READ)} makes reads here return
 * EOF at once and wakes a blocked reader. {@code close()} wakes blocked readers and writers with
 * {@code AsynchronousCloseException}. A reset by the peer is an {@link IOException} naming the
 * channel, never a silent EOF.
 *
 * <p>{@code setDelay(false)} sets TCP_NODELAY. {@code setCork(true)} holds writes in a 64 KiB
 * buffer in this process until it fills or {@code setCork(false)} sends them together
 * ({@code java.nio} has no TCP_CORK; see {@link #implSetCork}).
 */
final class SocketIoChannel extends AbstractIoChannel {
    private final SocketChannel socket;
    private final SelectorReadiness readiness;
    private final boolean tcp;
    private final BlockingEmulation.Attempt readOnce = this::readOnce;
    private final BlockingEmulation.Attempt writeOnce = this::writeOnce;
    /** Set once by shutdown(READ); reads return EOF from then on. */
    private volatile boolean readShut;
    /** Set once by shutdown(WRITE); writes fail from then on. */
    private volatile boolean writeShut;

    private static final int CORK_CAPACITY = 64 << 10;
    /** Serialises the cork buffer between a writer and setCork. */
    private final ReentrantLock corkLock = new ReentrantLock();
    private volatile boolean corked;
    /** Bytes in {@code corkBuffer}; written under corkLock, read by writers to pick their path. */
    private volatile int held;
    /** Guarded by corkLock; in write mode (position = bytes held); allocated by the first corked write. */
    private ByteBuffer corkBuffer;
    /** Guarded by corkLock: a one-element iov over {@code corkBuffer}. */
    private ByteBuffer[] corkIov;

    SocketIoChannel(String name, SocketChannel socket, boolean tcp) throws IOException {
        super(name);
        this.socket = socket;
        this.tcp = tcp;
        socket.configureBlocking(false);
        this.readiness = new SelectorReadiness(socket);
        setFeature(Feature.SHUTDOWN);
        setFeature(Feature.CONCURRENT_IO);
    }

    /** The socket itself, for tests in this package that compare with what the kernel says. */
    SocketChannel socket() {
        return socket;
    }

    @Override
    protected long implReadv(ByteBuffer[] iov, List<NativeFd> fdsOut, Set<ReadFlag> flags) throws IOException {
        return BlockingEmulation.transfer(this, IoCondition.IN, iov, readOnce);
    }

    /** One read attempt: bytes, EOF (also after shutdown(READ)), or 0 if the socket has none now. */
    private long readOnce(ByteBuffer[] iov) throws IOException {
        if (readShut) {
            return EOF;
        }
        long n;
        try {
            n = read(iov);
        } catch (IOException e) {
            throw socket.isOpen() ? error("Unable to read from socket", e) : e;
        }
        if (n < 0) {
            readiness.hold(IoCondition.IN, IoCondition.HUP);
            return EOF;
        }
        if (n == 0) {
            readiness.blocked(IoCondition.IN);
        }
        return n;
    }

    @Override
    protected long implWritev(ByteBuffer[] iov, List<NativeFd> fds, Set<WriteFlag> flags) throws IOException {
        if (writeShut) {
            throw error("Unable to write to socket: shut down for writing", null);
        }
        return corked || held > 0 ? corkedWrite(iov) : send(iov);
    }

    /** Writes to the socket, waiting for room in blocking mode. */
    private long send(ByteBuffer[] iov) throws IOException {
        return BlockingEmulation.transfer(this, IoCondition.OUT, iov, writeOnce);
    }

    /** One write attempt: bytes, or 0 if the socket has no room now. */
    private long writeOnce(ByteBuffer[] iov) throws IOException {
        long n;
        try {
            n = write(iov);
        } catch (IOException e) {
            if (!socket.isOpen()) {
                throw e;
            }
            readiness.hold(IoCondition.OUT, IoCondition.ERR);
            throw error("Unable to write to socket", e);
        }
        if (n == 0) {
            readiness.blocked(IoCondition.OUT);
        }
        return n;
    }

    /**
     * One read from the socket into the live slice of {@code iov}. A slice of one buffer, the
     * common case, takes {@code java.nio}'s single-buffer path ({@code read(2)}) and skips the
     * scattering path's bookkeeping (an iovec array filled per call, then a {@code readv(2)}).
     */
    private long read(ByteBuffer[] iov) throws IOException {
        int from = Iov.firstWithRemaining(iov);
        int length = Iov.sliceLength(iov, from);
        return length == 1 ? socket.read(iov[from]) : socket.read(iov, from, length);
    }

    /** One write to the socket from the live slice of {@code iov}; one buffer as in {@link #read}. */
    private long write(ByteBuffer[] iov) throws IOException {
        int from = Iov.firstWithRemaining(iov);
        int length = Iov.sliceLength(iov, from);
        return length == 1 ? socket.write(iov[from]) : socket.write(iov, from, length);
    }

    /**
     * While corked, bytes go into the cork buffer (when it is full, it is sent first); after an
     * uncork that could not send everything, what is held goes out before new bytes.
     */
    private long corkedWrite(ByteBuffer[] iov) throws IOException {
        corkLock.lock();
        try {
            if (corked) {
                if (corkBuffer == null) {
                    corkBuffer = ByteBuffer.allocateDirect(CORK_CAPACITY);
                    corkIov = new ByteBuffer[] {corkBuffer};
                }
                if (!corkBuffer.hasRemaining() && sendHeld() == ERR_BLOCK) {
                    return ERR_BLOCK;
                }
                int n = Iov.drain(iov, corkBuffer, corkBuffer.remaining());
                held = corkBuffer.position();
                return n;
            }
            if (held > 0 && sendHeld() == ERR_BLOCK) {
                return ERR_BLOCK;
            }
            return send(iov);
        } finally {
            corkLock.unlock();
        }
    }

    /** Under corkLock: sends every held byte; ERR_BLOCK if non-blocking and some are left. */
    private long sendHeld() throws IOException {
        corkBuffer.flip();
        try {
            while (corkBuffer.hasRemaining()) {
                if (send(corkIov) == ERR_BLOCK) {
                    return ERR_BLOCK;
                }
            }
            return 0;
        } finally {
            corkBuffer.compact();
            held = corkBuffer.position();
        }
    }

    /**
     * Cork: while corked, writes are held in a 64 KiB buffer in this process and go to the kernel
     * together, when the buffer fills or on uncork; {@code java.nio} has no TCP_CORK. Uncorking
     * sends what is held at once, waiting for socket room if it must, in either mode; if that
     * fails, the next write reports it.
     */
    @Override
    protected void implSetCork(boolean enabled) {
        if (enabled) {
            corked = true;
            return;
        }
        corked = false;
        corkLock.lock();
        try {
            if (held > 0) {
                corkBuffer.flip();
                try {
                    while (corkBuffer.hasRemaining()) {
                        if (socket.write(corkBuffer) == 0) {
                            readiness.blocked(IoCondition.OUT);
                            await(IoCondition.OUT);
                        }
                    }
                } finally {
                    corkBuffer.compact();
                    held = corkBuffer.position();
                }
            }
        } catch (IOException e) {
            // A hint never fails: the bytes stay held and the next write reports the socket's error.
        } finally {
            corkLock.unlock();
        }
    }

    @Override
    protected void implClose() throws IOException {
        try {
            sendHeldOnClose();
            socket.close();
        } finally {
            readiness.channelClosed(); // wakes threads parked in await and releases the registration
        }
    }

    /** Best effort, never waiting: a corked tail goes out if the socket has room for it. */
    private void sendHeldOnClose() {
        if (held > 0 && corkLock.tryLock()) {
            try {
                corkBuffer.flip();
                socket.write(corkBuffer);
            } catch (IOException dropped) {
                // Closing anyway; the peer sees the connection end where the bytes stopped.
            } finally {
                corkLock.unlock();
            }
        }
    }

    @Override
    protected Readiness readiness() {
        return readiness;
    }

    @Override
    protected void implSetBlocking(boolean blocking) {
        // Nothing to switch: the socket stays non-blocking and blocking mode parks on readiness.
    }

    @Override
    protected void implShutdown(Shutdown how) throws IOException {
        try {
            if (how.reads() && !readShut) {
                readShut = true;
                socket.shutdownInput();
            }
            if (how.writes() && !writeShut) {
                writeShut = true;
                socket.shutdownOutput();
            }
        } catch (java.nio.channels.NotYetConnectedException | IOException e) {
            // The peer may already have reset the connection; the direction is closed either way.
        } finally {
            if (readShut) {
                readiness.hold(IoCondition.IN); // wakes a reader parked in await: it reads EOF now
            }
        }
    }

    @Override
    protected void implSetDelay(boolean enabled) {
        if (tcp) {
            try {
                socket.setOption(StandardSocketOptions.TCP_NODELAY, !enabled);
            } catch (IOException | UnsupportedOperationException ignored) {
                // A hint: a socket that refuses it keeps its current behaviour.
            }
        }
    }

    @Override
    protected long implPeerPid() throws IOException {
        return implPeerCredentials().pid();
    }

    @Override
    protected dev.qio.channel.PeerCredentials implPeerCredentials() {
        throw new UnsupportedOperationException(name() + ": Channel does not support peer credentials: "
                + (tcp ? "TCP carries none (unix sockets do)" : "the java.nio backend cannot read SO_PEERCRED (the native one can)"));
    }
}

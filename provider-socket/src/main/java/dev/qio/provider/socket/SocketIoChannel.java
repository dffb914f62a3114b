package dev.qio.provider.socket;

import dev.qio.channel.IoCondition;
import dev.qio.channel.NativeFd;
import dev.qio.channel.WriteFlag;
import dev.qio.channel.spi.Iov;
import dev.qio.channel.spi.NioSocketChannel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A connected stream socket, TCP or unix (QEMU's QIOChannelSocket), on {@code java.nio}: the
 * spi's {@link NioSocketChannel} (non-blocking socket, waits on the shared poller) plus a cork
 * buffer and the peer-credential refusal.
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
final class SocketIoChannel extends NioSocketChannel {
    private final boolean tcp;

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
        super(name, socket);
        this.tcp = tcp;
    }

    /** The socket itself, for tests in this package that compare with what the kernel says. */
    SocketChannel socket() {
        return socket;
    }

    @Override
    protected long implWritev(ByteBuffer[] iov, List<NativeFd> fds, Set<WriteFlag> flags) throws IOException {
        requireWritable();
        return corked || held > 0 ? corkedWrite(iov) : send(iov);
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
    protected void beforeClose() {
        sendHeldOnClose();
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
    protected long implPeerPid() throws IOException {
        return implPeerCredentials().pid();
    }

    @Override
    protected dev.qio.channel.PeerCredentials implPeerCredentials() {
        throw new UnsupportedOperationException(name() + ": Channel does not support peer credentials: "
                + (tcp
                        ? "TCP carries none (unix sockets do)"
                        : "the java.nio backend cannot read SO_PEERCRED (the native one can)"));
    }
}

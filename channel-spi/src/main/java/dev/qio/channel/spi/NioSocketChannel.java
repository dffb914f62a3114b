package dev.qio.channel.spi;

import dev.qio.channel.Feature;
import dev.qio.channel.IoCondition;
import dev.qio.channel.NativeFd;
import dev.qio.channel.ReadFlag;
import dev.qio.channel.Shutdown;
import dev.qio.channel.WriteFlag;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.Set;

/**
 * A connected {@link SocketChannel}, TCP or unix, as an {@code IoChannel}: the {@code java.nio}
 * socket path written once, for the {@code tcp:}/{@code unix:} fallback provider and for a user's
 * own {@code SocketChannel} wrapped by the adapters.
 *
 * <p>The socket always stays in non-blocking mode. A read or write tries the socket; when the
 * kernel says EAGAIN it returns {@code ERR_BLOCK} in non-blocking mode, and in blocking mode parks
 * on the shared poller ({@link SelectorReadiness}) until the socket is ready, then tries again
 * ({@link BlockingEmulation}). So {@code ERR_BLOCK} comes exactly when the kernel has nothing to
 * give or no room, and a virtual thread blocked in a read holds no carrier thread.
 *
 * <p>What the base guarantees: {@link Feature#SHUTDOWN} and {@link Feature#CONCURRENT_IO} (one
 * reader and one writer at once, as {@code SocketChannel} allows); {@code shutdown(WRITE)} sends
 * FIN and later writes fail; {@code shutdown(READ)} makes reads return EOF at once and wakes a
 * blocked reader; {@code close()} closes the socket and wakes every waiter; a failure of the socket
 * is an {@link IOException} naming the channel, never a silent EOF; {@code setDelay} is
 * {@code TCP_NODELAY} where the socket has it. A subclass may put its own path in front of the
 * socket's writes (a cork buffer) by overriding {@link #implWritev} and calling {@link #send},
 * and may flush what it holds before the socket closes ({@link #beforeClose}).
 */
public abstract class NioSocketChannel extends AbstractIoChannel {
    /** The socket; non-blocking for the channel's whole life. */
    protected final SocketChannel socket;
    /** The socket's readiness on the shared {@code java.nio} poller. */
    protected final SelectorReadiness readiness;

    private final BlockingEmulation.Attempt readOnce = this::readOnce;
    private final BlockingEmulation.Attempt writeOnce = this::writeOnce;
    /** Set once by shutdown(READ); reads return EOF from then on. */
    private volatile boolean readShut;
    /** Set once by shutdown(WRITE); writes fail from then on. */
    private volatile boolean writeShut;

    /**
     * Takes {@code socket}, which must be connected, and switches it to non-blocking mode.
     *
     * @param name the channel's name, as {@link AbstractIoChannel#name()} reports it
     * @throws IOException if the socket cannot be made non-blocking or registered
     */
    protected NioSocketChannel(String name, SocketChannel socket) throws IOException {
        super(name);
        this.socket = socket;
        socket.configureBlocking(false);
        this.readiness = new SelectorReadiness(socket);
        setFeature(Feature.SHUTDOWN);
        setFeature(Feature.CONCURRENT_IO);
    }

    @Override
    protected long implReadv(ByteBuffer[] iov, List<NativeFd> fdsOut, Set<ReadFlag> flags) throws IOException {
        return BlockingEmulation.transfer(this, IoCondition.IN, iov, readOnce);
    }

    @Override
    protected long implWritev(ByteBuffer[] iov, List<NativeFd> fds, Set<WriteFlag> flags) throws IOException {
        return send(iov);
    }

    /**
     * Writes the live slice of {@code iov} to the socket: some bytes, or in blocking mode after
     * waiting for room, or {@code ERR_BLOCK} in non-blocking mode.
     *
     * @throws IOException if writes were shut down, or the socket failed (the channel's name in it)
     */
    protected final long send(ByteBuffer[] iov) throws IOException {
        requireWritable();
        return BlockingEmulation.transfer(this, IoCondition.OUT, iov, writeOnce);
    }

    /**
     * Checks that writes were not shut down, for a subclass that takes bytes before they reach
     * {@link #send}.
     *
     * @throws IOException naming the channel, if {@code shutdown(WRITE)} was called
     */
    protected final void requireWritable() throws IOException {
        if (writeShut) {
            throw error("Unable to write to socket: shut down for writing", null);
        }
    }

    /** One read attempt: bytes, EOF (also after shutdown(READ)), or 0 if the socket has none now. */
    private long readOnce(ByteBuffer[] iov) throws IOException {
        if (readShut) {
            return EOF;
        }
        long n;
        try {
            int from = Iov.firstWithRemaining(iov);
            int length = Iov.sliceLength(iov, from);
            // One buffer takes java.nio's single-buffer path (read(2)), without the iovec array.
            n = length == 1 ? socket.read(iov[from]) : socket.read(iov, from, length);
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

    /** One write attempt: bytes, or 0 if the socket has no room now. */
    private long writeOnce(ByteBuffer[] iov) throws IOException {
        long n;
        try {
            int from = Iov.firstWithRemaining(iov);
            int length = Iov.sliceLength(iov, from);
            n = length == 1 ? socket.write(iov[from]) : socket.write(iov, from, length);
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
     * Called by {@link #implClose} before the socket closes, at most once; it must not wait. The
     * default does nothing.
     */
    protected void beforeClose() {}

    @Override
    protected final void implClose() throws IOException {
        try {
            beforeClose();
            socket.close();
        } finally {
            readiness.channelClosed(); // wakes threads parked in await and releases the registration
        }
    }

    @Override
    protected final Readiness readiness() {
        return readiness;
    }

    @Override
    protected final void implSetBlocking(boolean blocking) {
        // Nothing to switch: the socket stays non-blocking and blocking mode parks on readiness.
    }

    @Override
    protected final void implShutdown(Shutdown how) {
        try {
            if (how.reads() && !readShut) {
                readShut = true;
                socket.shutdownInput();
            }
            if (how.writes() && !writeShut) {
                writeShut = true;
                socket.shutdownOutput();
            }
        } catch (NotYetConnectedException | IOException e) {
            // The peer may already have reset the connection; the direction is closed either way.
        } finally {
            if (readShut) {
                readiness.hold(IoCondition.IN); // wakes a reader parked in await: it reads EOF now
            }
        }
    }

    @Override
    protected void implSetDelay(boolean enabled) {
        try {
            if (socket.supportedOptions().contains(StandardSocketOptions.TCP_NODELAY)) {
                socket.setOption(StandardSocketOptions.TCP_NODELAY, !enabled);
            }
        } catch (IOException | UnsupportedOperationException ignored) {
            // A hint: a socket that refuses it keeps its current behaviour.
        }
    }
}

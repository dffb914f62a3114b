package dev.qio.channel.adapters;

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

/** A user's {@link SocketChannel}; see {@link ForeignChannels#ofSocket}. */
final class SocketChannelAdapter extends AbstractIoChannel {
    private final SocketChannel socket;
    private final SelectorReadiness readiness;
    private final BlockingEmulation.Attempt readOnce = this::readOnce;
    private final BlockingEmulation.Attempt writeOnce = this::writeOnce;
    /** Set once by shutdown(READ); reads return EOF from then on. */
    private volatile boolean readShut;
    /** Set once by shutdown(WRITE); writes fail from then on. */
    private volatile boolean writeShut;

    SocketChannelAdapter(String name, SocketChannel socket) throws IOException {
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

    /** One read attempt: bytes, EOF (also after shutdown(READ)), or 0 if the socket has none now. */
    private long readOnce(ByteBuffer[] iov) throws IOException {
        if (readShut) {
            return EOF;
        }
        int first = Iov.firstWithRemaining(iov);
        long n;
        try {
            n = socket.read(iov, first, Iov.sliceLength(iov, first));
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
        return BlockingEmulation.transfer(this, IoCondition.OUT, iov, writeOnce);
    }

    /** One write attempt: bytes, or 0 if the socket has no room now. */
    private long writeOnce(ByteBuffer[] iov) throws IOException {
        int first = Iov.firstWithRemaining(iov);
        long n;
        try {
            n = socket.write(iov, first, Iov.sliceLength(iov, first));
        } catch (IOException e) {
            if (socket.isOpen()) {
                readiness.hold(IoCondition.OUT, IoCondition.ERR);
                throw error("Unable to write to socket", e);
            }
            throw e;
        }
        if (n == 0) {
            readiness.blocked(IoCondition.OUT);
        }
        return n;
    }

    @Override
    protected void implClose() throws IOException {
        try {
            socket.close();
        } finally {
            readiness.channelClosed(); // wakes threads parked in await and releases the registration
        }
    }

    @Override
    protected Readiness readiness() {
        return readiness;
    }

    @Override
    protected void implSetBlocking(boolean blocking) {
        // The socket stays non-blocking; blocking mode waits on readiness.
    }

    @Override
    protected void implShutdown(Shutdown how) {
        try {
            if (how.reads() && !readShut) {
                readShut = true;
                socket.shutdownInput();
            }
            if (how.writes() && !writeShut) {
                writeShut = true;
                socket.shutdownOutput();
            }
        } catch (IOException e) {
            // The peer may have reset the connection already; the direction is closed either way.
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
        } catch (IOException ignored) {
            // A hint: a socket that refuses it keeps its current behaviour.
        }
    }
}

package dev.qio.provider.memory;

import dev.qio.channel.Feature;
import dev.qio.channel.IoCondition;
import dev.qio.channel.NativeFd;
import dev.qio.channel.ReadFlag;
import dev.qio.channel.Shutdown;
import dev.qio.channel.WriteFlag;
import dev.qio.channel.spi.AbstractIoChannel;
import dev.qio.channel.spi.ByteRing;
import dev.qio.channel.spi.ConditionMask;
import dev.qio.channel.spi.Iov;
import dev.qio.channel.spi.NativeFds;
import dev.qio.channel.spi.Readiness;
import dev.qio.channel.spi.SignalledReadiness;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;

/**
 * One end of a {@code mem://} connection: it reads from one {@link MemPipe} and writes to another,
 * whose other ends belong to its peer. Features: {@link Feature#SHUTDOWN},
 * {@link Feature#CONCURRENT_IO} (each direction has its own pipe and lock) and, where
 * {@link NativeFds#isSupported()}, {@link Feature#FD_PASS}.
 *
 * <h2>Transfers</h2>
 * A blocking read waits for at least one byte, end of stream, or this end's read side ending; a
 * non-blocking one returns {@code ERR_BLOCK} when nothing is buffered. A blocking write waits for
 * at least one byte of room and then writes as much as fits (partial writes are normal); a
 * non-blocking one returns {@code ERR_BLOCK} when the pipe is full. Descriptors sent with a write
 * are duplicated at once (the sender may close its own when the write returns) and arrive with
 * that write's first byte; a read never runs past the first byte of a later descriptor-carrying
 * write, so each batch arrives with exactly its own bytes.
 *
 * <h2>Threads</h2>
 * One read and one write may run at once (they use different pipes); a second read or write
 * waits for the first (the base serialises each direction). A thread interrupted while blocked
 * gets {@link InterruptedIOException} with its interrupt status set; the channel stays open.
 *
 * <h2>Lifecycle</h2>
 * <ul>
 *   <li>{@code shutdown(WRITE)}: the peer reads what was sent, then EOF; writes here then fail
 *       with "shut down for writing". The peer can still write back.
 *   <li>{@code shutdown(READ)}: buffered input is dropped (its descriptors closed); reads here,
 *       including a blocked one, return EOF; the peer's writes fail with "Broken pipe".
 *   <li>{@code close()}: both of the above. A thread blocked here in a read or write wakes with
 *       {@link java.nio.channels.AsynchronousCloseException}; the peer drains and reads EOF, and
 *       its writes fail with "Broken pipe". A second close does nothing; later I/O here throws
 *       {@link java.nio.channels.ClosedChannelException}.
 * </ul>
 *
 * <h2>Readiness</h2>
 * {@code IN} while a read would not wait (bytes, EOF, or read side ended); {@code HUP} once the
 * peer's write side ended; {@code OUT} while the outgoing pipe has room, and {@code OUT} with
 * {@code ERR} once a write would fail at once.
 */
final class MemChannel extends AbstractIoChannel {

    /** A connected pair: what the opener gets and what the listener queues. */
    record Connection(MemChannel client, MemChannel server) {}

    private final MemPipe in;
    private final MemPipe out;
    private final SignalledReadiness readiness = new SignalledReadiness(this::poll);

    private MemChannel(String name, MemPipe in, MemPipe out) {
        super(name);
        this.in = in;
        this.out = out;
        setFeature(Feature.SHUTDOWN);
        setFeature(Feature.CONCURRENT_IO);
        if (NativeFds.isSupported()) {
            setFeature(Feature.FD_PASS);
        }
    }

    /** Creates two connected ends, each direction buffering up to {@code capacity} bytes. */
    static Connection connect(String clientName, String serverName, int capacity) {
        MemPipe up = new MemPipe(capacity);
        MemPipe down = new MemPipe(capacity);
        MemChannel client = new MemChannel(clientName, down, up);
        MemChannel server = new MemChannel(serverName, up, down);
        up.bind(server.readiness, client.readiness);
        down.bind(client.readiness, server.readiness);
        return new Connection(client, server);
    }

    @Override
    protected long implReadv(ByteBuffer[] iov, List<NativeFd> fdsOut, Set<ReadFlag> flags) throws IOException {
        if (Iov.remaining(iov) == 0) {
            return 0; // asked only for descriptors: they travel with bytes, so a byteless read gets none
        }
        try {
            return in.read(iov, fdsOut, isBlocking());
        } catch (ByteRing.Stopped e) { // interrupted: the only way a read stops
            throw new InterruptedIOException(name() + ": interrupted while waiting to read");
        }
    }

    @Override
    protected long implWritev(ByteBuffer[] iov, List<NativeFd> fds, Set<WriteFlag> flags) throws IOException {
        try {
            return out.write(iov, fds, isBlocking());
        } catch (ByteRing.Stopped e) {
            throw switch (e.status()) {
                case BROKEN -> error("Broken pipe: the peer no longer reads", null);
                case INTERRUPTED -> new InterruptedIOException(name() + ": interrupted while waiting to write");
                case SHUT_DOWN, FAILED -> error("channel is shut down for writing", null);
            };
        } catch (IOException e) {
            throw error("cannot pass file descriptors", e);
        }
    }

    @Override
    protected void implShutdown(Shutdown how) {
        if (how.reads()) {
            in.endReader();
        }
        if (how.writes()) {
            out.endWriter();
        }
    }

    @Override
    protected void implClose() {
        // Each end wakes the thread blocked on it and signals both endpoints' readiness.
        in.endReader();
        out.endWriter();
    }

    @Override
    protected Readiness readiness() {
        return readiness;
    }

    @Override
    protected void implSetBlocking(boolean blocking) {
        // Nothing to switch: every transfer passes isBlocking() to the pipe.
    }

    private Set<IoCondition> poll() {
        int mask = 0;
        if (in.readable()) {
            mask |= ConditionMask.IN;
        }
        if (in.writerEnded()) {
            mask |= ConditionMask.HUP;
        }
        if (out.writeFails()) {
            mask |= ConditionMask.OUT | ConditionMask.ERR;
        } else if (out.hasRoom()) {
            mask |= ConditionMask.OUT;
        }
        return ConditionMask.set(mask);
    }
}

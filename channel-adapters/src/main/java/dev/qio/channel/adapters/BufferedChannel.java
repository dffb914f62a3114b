package dev.qio.channel.adapters;

import dev.qio.channel.Feature;
import dev.qio.channel.IoChannel;
import dev.qio.channel.IoCondition;
import dev.qio.channel.NativeFd;
import dev.qio.channel.ReadFlag;
import dev.qio.channel.Shutdown;
import dev.qio.channel.WriteFlag;
import dev.qio.channel.spi.ConditionMask;
import dev.qio.channel.spi.Iov;
import dev.qio.channel.spi.LayerChannel;
import dev.qio.channel.spi.Readiness;
import dev.qio.channel.spi.SignalledReadiness;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The layer behind {@link BufferedChannels#buffered}; its contract is written there. The base's
 * write lock serialises writes and flushes; {@link #held} is taken inside it as well, so that
 * {@code close} and {@code shutdown}, which the base runs without that lock, can tell whether a
 * writer is inside and must not wait for it.
 */
final class BufferedChannel extends LayerChannel {
    private static final Set<WriteFlag> NO_FLAGS = Set.of();
    private static final System.Logger LOG = System.getLogger(BufferedChannels.class.getName());

    /** Written bytes not yet given to {@link #inner}, between 0 and position; guarded by {@link #held}. */
    private final ByteBuffer buffer;
    /** Guards {@link #buffer} and {@link #gather}; see the class description. */
    private final ReentrantLock held = new ReentrantLock();
    /**
     * The buffer followed by the caller's iov, for one gathering write; guarded by {@link #held}.
     * Remade only when an iov of another length comes (a single-buffer write always needs two).
     */
    private ByteBuffer[] gather = new ByteBuffer[2];
    /** Set by shutdown(WRITE or BOTH): writes then go straight to the inner channel, which refuses them. */
    private volatile boolean writeShut;
    /** Whether {@link #buffer} holds nothing; read without the lock by {@link #poll}, a hint. */
    private volatile boolean empty = true;

    private final Readiness innerReadiness;
    private final Readiness readiness;

    BufferedChannel(IoChannel inner, int capacity) {
        super("buffered+" + inner.name(), inner);
        this.buffer = ByteBuffer.allocateDirect(capacity); // the native socket writes it without a copy
        this.innerReadiness = readinessOf(inner).orElseGet(SignalledReadiness::alwaysReady);
        this.readiness = new Readiness() {
            @Override
            public Set<IoCondition> poll() {
                return BufferedChannel.this.poll();
            }

            @Override
            public Registration subscribe(Set<IoCondition> interest, Runnable listener) {
                return innerReadiness.subscribe(interest, listener);
            }
        };
        followInner(Feature.SHUTDOWN, Feature.CONCURRENT_IO, Feature.READ_MSG_PEEK);
    }

    /** The inner channel's conditions, with OUT while nothing is held (see the contract). */
    private Set<IoCondition> poll() {
        Set<IoCondition> now = innerReadiness.poll();
        if (!empty || now.contains(IoCondition.OUT)) {
            return now;
        }
        int mask = ConditionMask.OUT;
        for (IoCondition c : now) {
            mask |= 1 << c.ordinal();
        }
        return ConditionMask.set(mask);
    }

    @Override
    protected long implReadv(ByteBuffer[] iov, List<NativeFd> fdsOut, Set<ReadFlag> flags) throws IOException {
        return inner.readv(iov, fdsOut, flags);
    }

    @Override
    protected long implWritev(ByteBuffer[] iov, List<NativeFd> fds, Set<WriteFlag> flags) throws IOException {
        if (writeShut) {
            return inner.writev(iov, null, NO_FLAGS); // fails as the inner channel's writes do after shutdown
        }
        held.lock();
        try {
            long total = Iov.remaining(iov);
            if (total <= buffer.remaining()) {
                Iov.drain(iov, buffer, (int) total);
                empty = false;
                return total;
            }
            long taken = 0;
            while (taken == 0) {
                long n = gatherOnce(iov);
                taken = total - Iov.remaining(iov);
                if (n == ERR_BLOCK || !isBlocking()) {
                    break;
                }
            }
            if (taken > 0) {
                return taken;
            }
            // Non-blocking and none of the caller's bytes went: keep what fits where the buffer drained.
            int fits = Iov.drain(iov, buffer, buffer.remaining());
            empty = buffer.position() == 0;
            return fits > 0 ? fits : ERR_BLOCK;
        } finally {
            held.unlock();
        }
    }

    /**
     * One write of the held bytes followed by {@code iov} (or of {@code iov} alone when nothing is
     * held): what the inner channel took leaves the buffer, the rest stays at its start.
     */
    private long gatherOnce(ByteBuffer[] iov) throws IOException {
        if (buffer.position() == 0) {
            return inner.writev(iov, null, NO_FLAGS);
        }
        int first = Iov.firstWithRemaining(iov);
        int parts = 1 + iov.length - first;
        if (gather.length != parts) {
            gather = new ByteBuffer[parts];
        }
        buffer.flip();
        gather[0] = buffer;
        System.arraycopy(iov, first, gather, 1, parts - 1);
        try {
            return inner.writev(gather, null, NO_FLAGS);
        } finally {
            java.util.Arrays.fill(gather, null); // the caller's buffers are not ours to keep
            buffer.compact();
            empty = buffer.position() == 0;
        }
    }

    /**
     * Pushes the held bytes, all of them in blocking mode, as many as the inner channel takes in
     * non-blocking mode. Returns 0 once nothing is held, or ERR_BLOCK.
     */
    private int push() throws IOException {
        while (buffer.position() > 0) {
            buffer.flip();
            long n;
            try {
                n = inner.write(buffer);
            } finally {
                buffer.compact();
                empty = buffer.position() == 0;
            }
            if (n == ERR_BLOCK) {
                return ERR_BLOCK;
            }
        }
        return 0;
    }

    @Override
    protected boolean holdsWrites() {
        return true;
    }

    @Override
    protected int implFlush() throws IOException {
        held.lock();
        try {
            return push() == ERR_BLOCK ? ERR_BLOCK : inner.flush();
        } finally {
            held.unlock();
        }
    }

    /**
     * Pushes the held bytes, waiting for the inner channel only if {@code wait} and the channel
     * is blocking, and drops what is left; returns how many bytes it dropped. Does nothing if a
     * writer is inside: it is blocked in the inner channel, which the caller is about to shut or
     * close, and its bytes are lost with it.
     */
    private int pushBeforeEnding(boolean wait) throws IOException {
        if (!held.tryLock()) {
            return 0;
        }
        try {
            if (!wait && inner.isBlocking()) {
                inner.setBlocking(false); // only before close: the channel is past caring about its mode
            }
            push();
            return buffer.position();
        } finally {
            buffer.clear();
            empty = true;
            held.unlock();
        }
    }

    @Override
    protected void implShutdown(Shutdown how) throws IOException {
        if (how != Shutdown.READ) {
            pushBeforeEnding(true);
            writeShut = true;
        }
        inner.shutdown(how);
    }

    @Override
    protected void implClose() throws IOException {
        try {
            int dropped = pushBeforeEnding(false);
            if (dropped > 0) {
                LOG.log(
                        System.Logger.Level.WARNING,
                        () -> name() + ": closed with " + dropped + " bytes held that " + inner.name()
                                + " had no room for; they are dropped (flush before close)");
            }
        } finally {
            inner.close();
        }
    }

    @Override
    protected Readiness readiness() {
        return readiness;
    }
}

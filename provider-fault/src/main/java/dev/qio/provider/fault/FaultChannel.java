package dev.qio.provider.fault;

import dev.qio.channel.Feature;
import dev.qio.channel.IoChannel;
import dev.qio.channel.IoCondition;
import dev.qio.channel.NativeFd;
import dev.qio.channel.ReadFlag;
import dev.qio.channel.WriteFlag;
import dev.qio.channel.spi.LayerChannel;
import dev.qio.channel.spi.Readiness;
import dev.qio.channel.spi.SignalledReadiness;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A channel that forwards to an inner one and injects the faults its {@link FaultOptions} ask
 * for (described on {@link FaultProvider}). It owns the inner channel: {@code close()} closes it,
 * and a second close does nothing; I/O after close throws
 * {@link java.nio.channels.ClosedChannelException} from the base. Blocking mode, shutdown and
 * the hints go to the inner channel, so a blocked read or write is woken by whatever wakes the
 * inner one.
 *
 * <p>Each direction draws from a random generator of its own, seeded from the options' seed and
 * guarded by that direction's lock in the base (reads are serialised, writes too): a reader and a
 * writer on two threads do not make each other's choices depend on timing.
 */
final class FaultChannel extends LayerChannel {
    private static final long WRITE_STREAM = 0x9e3779b97f4a7c15L;

    private final FaultOptions options;
    private final Readiness readiness;
    /** Guarded by the base's read lock. */
    private final SplittableRandom readRandom;
    /** Guarded by the base's write lock. */
    private final SplittableRandom writeRandom;
    /** Guarded by the base's read lock. */
    private long read;
    /** Set once the inner channel reported end of stream; reads return EOF from then on, never a spurious ERR_BLOCK. */
    private volatile boolean readEnded;
    /** Guarded by the base's write lock. */
    private long written;
    /** Guarded by the base's write lock: whether the fail-write-after write has failed. */
    private boolean writeFailed;
    /**
     * Per direction: {@link #BLOCKED} after a spurious ERR_BLOCK, until the next
     * {@link Readiness#poll()} (an {@code await} or a watch) makes it {@link #EXEMPT}; the next
     * call then draws no spurious block, and makes it {@link #FREE}. So a caller that retries
     * without waiting (a fill loop) gets ERR_BLOCK again, as from a full socket, and one that
     * waited makes progress, as the contract promises after {@code await}.
     */
    private final AtomicInteger readState = new AtomicInteger();

    private final AtomicInteger writeState = new AtomicInteger();
    private static final int FREE = 0, BLOCKED = 1, EXEMPT = 2;
    /** Read and written together, for reset-after; both directions add to it. */
    private final AtomicLong moved = new AtomicLong();

    private volatile boolean reset;

    FaultChannel(String name, IoChannel inner, FaultOptions options) {
        super(name, inner);
        this.options = options;
        this.readRandom = new SplittableRandom(options.seed());
        this.writeRandom = new SplittableRandom(options.seed() ^ WRITE_STREAM);
        Readiness inside = readinessOf(inner).orElseGet(() -> SignalledReadiness.alwaysReady());
        this.readiness = new Readiness() {
            @Override
            public Set<IoCondition> poll() {
                readState.set(EXEMPT);
                writeState.set(EXEMPT);
                return inside.poll();
            }

            @Override
            public Registration subscribe(Set<IoCondition> interest, Runnable listener) {
                return inside.subscribe(interest, listener);
            }
        };
        followInner(Feature.SHUTDOWN, Feature.CONCURRENT_IO, Feature.FD_PASS, Feature.READ_MSG_PEEK);
    }

    @Override
    protected long implReadv(ByteBuffer[] iov, List<NativeFd> fdsOut, Set<ReadFlag> flags) throws IOException {
        checkReset();
        if (readEnded || (options.eofAfter() >= 0 && read >= options.eofAfter())) {
            return EOF;
        }
        if (!isBlocking() && next(readState, readRandom) == BLOCKED) {
            return ERR_BLOCK;
        }
        delay(readRandom);
        long cap = cap(readRandom, iov, options.eofAfter() < 0 ? Long.MAX_VALUE : options.eofAfter() - read);
        long n = limited(iov, cap, () -> inner.readv(iov, fdsOut, flags));
        if (n == EOF) {
            readEnded = true; // a transport never says EAGAIN after its end of stream, so no spurious block either
        }
        if (n > 0 && !flags.contains(ReadFlag.MSG_PEEK)) {
            read += n;
            moved(n);
        }
        return n;
    }

    @Override
    protected long implWritev(ByteBuffer[] iov, List<NativeFd> fds, Set<WriteFlag> flags) throws IOException {
        checkReset();
        long failAt = options.failWriteAfter();
        if (failAt >= 0 && written >= failAt && !writeFailed) {
            writeFailed = true;
            throw error("Broken pipe (fault+ fail-write-after=" + failAt + ")", null);
        }
        if (!isBlocking() && next(writeState, writeRandom) == BLOCKED) {
            return ERR_BLOCK;
        }
        delay(writeRandom);
        long cap = cap(writeRandom, iov, failAt < 0 || writeFailed ? Long.MAX_VALUE : failAt - written);
        long n = limited(iov, cap, () -> inner.writev(iov, fds, flags));
        if (n > 0) {
            written += n;
            moved(n);
        }
        return n;
    }

    /**
     * In blocking mode, waits a random 0 to {@code delay} ms, drawn from the direction's seeded
     * generator (nothing is drawn without the option, so other faults' draws stay as they were).
     * Thread.sleep parks a virtual thread and frees its carrier; a non-blocking call is never
     * delayed, as it must return at once ({@code block} makes its readiness come late instead).
     */
    private void delay(SplittableRandom random) throws IOException {
        if (options.delayMillis() == 0 || !isBlocking()) {
            return;
        }
        long millis = random.nextInt(options.delayMillis() + 1);
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException(name() + ": interrupted during a fault+ delay");
        }
    }

    private void checkReset() throws IOException {
        if (reset) {
            throw error("Connection reset (fault+ reset-after=" + options.resetAfter() + ")", null);
        }
    }

    /** Counts bytes that moved; at reset-after, resets: the inner channel closes, so the peer sees the end too. */
    private void moved(long n) throws IOException {
        long resetAt = options.resetAfter();
        if (resetAt >= 0 && moved.addAndGet(n) >= resetAt && !reset) {
            reset = true;
            inner.close();
        }
    }

    /**
     * Moves a direction's state on for this call (see {@link #readState}) and returns it; BLOCKED
     * means answer ERR_BLOCK. A poll that lands while this runs wins: the call is exempt.
     */
    private int next(AtomicInteger state, SplittableRandom random) {
        int now = state.get();
        int next = switch (now) {
            case BLOCKED -> BLOCKED;
            case EXEMPT -> FREE;
            default -> options.block() > 0 && random.nextInt(100) < options.block() ? BLOCKED : FREE;
        };
        if (!state.compareAndSet(now, next)) {
            state.set(FREE); // only a poll changes it under us, and it made this call exempt
            return FREE;
        }
        return next;
    }

    /**
     * How many bytes this call may move: at most {@code left} (the distance to a mark), and, for
     * a call split at random, a random number from 1 to one less than what the iov holds.
     */
    private long cap(SplittableRandom random, ByteBuffer[] iov, long left) {
        long room = 0;
        for (ByteBuffer b : iov) {
            room += b.remaining();
        }
        long cap = Math.min(room, Math.max(1, left));
        if (cap > 1 && options.split() > 0 && random.nextInt(100) < options.split()) {
            cap = 1 + random.nextLong(cap - 1);
        }
        return cap;
    }

    /** One inner call on the iov with its buffers' limits lowered so that it holds at most {@code cap} bytes. */
    private static long limited(ByteBuffer[] iov, long cap, Transfer transfer) throws IOException {
        int[] limits = new int[iov.length];
        long left = cap;
        for (int i = 0; i < iov.length; i++) {
            ByteBuffer b = iov[i];
            limits[i] = b.limit();
            int take = (int) Math.min(b.remaining(), left);
            b.limit(b.position() + take);
            left -= take;
        }
        try {
            return transfer.run();
        } finally {
            for (int i = 0; i < iov.length; i++) {
                iov[i].limit(limits[i]); // the position moved only inside the lowered limit
            }
        }
    }

    @FunctionalInterface
    private interface Transfer {
        long run() throws IOException;
    }

    @Override
    protected Readiness readiness() {
        return readiness;
    }
}

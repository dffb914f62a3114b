package dev.qio.channel.spi;

import dev.qio.channel.EventLoop;
import dev.qio.channel.Feature;
import dev.qio.channel.IoChannel;
import dev.qio.channel.IoCondition;
import dev.qio.channel.NativeFd;
import dev.qio.channel.PeerCredentials;
import dev.qio.channel.ReadFlag;
import dev.qio.channel.Shutdown;
import dev.qio.channel.UnsupportedFeatureException;
import dev.qio.channel.Watch;
import dev.qio.channel.WatchCallback;
import dev.qio.channel.Whence;
import dev.qio.channel.WriteFlag;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The base of every qio channel: it holds each generic algorithm once, so a provider implements
 * only its transport (QEMU's {@code io/channel.c} around a {@code QIOChannelClass}).
 *
 * <p>Every public operation is {@code final}. It checks arguments and the open state, refuses
 * flags and descriptors the channel's {@linkplain #features() features} do not allow (as QEMU's
 * base does, with QEMU's messages), takes the direction's lock, and then calls a protected
 * {@code impl} hook. The {@code *All} loops, {@link #await}, watches, naming and the idempotent
 * {@link #close()} live here only.
 *
 * <h2>Hooks</h2>
 * Mandatory (QEMU's five): {@link #implReadv}, {@link #implWritev}, {@link #implClose},
 * {@link #readiness()} (QEMU's {@code create_watch}) and {@link #implSetBlocking}. Optional:
 * {@link #implPreadv}, {@link #implPwritev}, {@link #implSeek}, {@link #implShutdown},
 * {@link #implSetDelay}, {@link #implSetCork}, {@link #implFlush} (with {@link #holdsWrites}), {@link #implPeerPid}, {@link #implPeerCredentials}; their
 * defaults refuse, or do nothing for hints.
 *
 * <h2>What the base guarantees to the hooks</h2>
 * <ul>
 *   <li>{@code implReadv} and {@code implWritev} run under this channel's read or write lock, so
 *       at most one read and one write hook run at a time; never after {@code close} started
 *       (but {@code close} may start while they run: {@code implClose} must wake them).
 *   <li>Their iov is checked (no null, no read-only buffer for reads) and has bytes remaining,
 *       or the read asked for descriptors; fds and flags passed the feature gates.
 *   <li>{@code implClose} runs exactly once.
 * </ul>
 *
 * <h2>Threads</h2>
 * One reader and one writer at a time; further readers (writers) wait on the direction's lock.
 * A subclass that can move both directions at once adds {@link Feature#CONCURRENT_IO}.
 *
 * <p>Past 400 lines because it is every public operation of {@link IoChannel} (final, checked and
 * gated) beside the contract of the hook it calls, as QEMU keeps them in {@code channel.c}; the
 * state it needs lives in small classes of its own ({@code OpenState}, {@code Waiter},
 * {@code LevelWatch}).
 */
public abstract class AbstractIoChannel implements IoChannel {
    private static final Set<ReadFlag> NO_READ_FLAGS = Set.of();
    private static final Set<WriteFlag> NO_WRITE_FLAGS = Set.of();

    private volatile String name;
    /**
     * The features as bits by ordinal; written only while the subclass constructs (see
     * {@link #setFeature}), read freely after. {@link #features()} hands out a set shared by every
     * channel with the same bits, so an idle channel holds no set of its own.
     */
    private int featureBits;
    /** Written under the {@code state} monitor, so two threads switching modes apply them in one order. */
    private volatile boolean blocking = true;
    /** Also the monitor of mode changes: private, as users may synchronise on the channel itself. */
    private final OpenState state = new OpenState();
    /** Serialises reads; held across a whole {@code readvAll}. */
    private final ReentrantLock readLock = new ReentrantLock();
    /** Serialises writes; held across a whole {@code writevAll}. */
    private final ReentrantLock writeLock = new ReentrantLock();
    /** One-buffer iov reused by {@code read}/{@code readAll}, made on first use; guarded by readLock. */
    private ByteBuffer[] readOne;
    /** One-buffer iov reused by {@code write}/{@code writeAll}, made on first use; guarded by writeLock. */
    private ByteBuffer[] writeOne;
    /** JFR events and byte counts; see {@link ChannelEvents}. */
    private final ChannelEvents events;

    /**
     * Creates an open channel in blocking mode, with no features until the subclass sets them.
     *
     * @param name the initial name, usually the URI the channel was opened with
     */
    protected AbstractIoChannel(String name) {
        this.name = Objects.requireNonNull(name, "name");
        this.events = ChannelEvents.opened(this);
    }

    // ---- mandatory hooks --------------------------------------------------------------------

    /**
     * Reads into {@code iov}, honouring {@link #isBlocking()}. The iov may be long and may start
     * with used-up buffers (the {@code *All} loops pass it again after a partial read): hand
     * {@code java.nio} the live slice ({@link Iov#firstWithRemaining}, {@link Iov#sliceLength}).
     *
     * @param fdsOut where to append received descriptors, or {@code null}: then close any that
     *     arrive
     * @return as {@link IoChannel#readv(ByteBuffer[], List, Set)}; never 0 when the iov has room
     */
    protected abstract long implReadv(ByteBuffer[] iov, List<NativeFd> fdsOut, Set<ReadFlag> flags) throws IOException;

    /**
     * Writes from {@code iov}, honouring {@link #isBlocking()}; the iov is as for
     * {@link #implReadv}. If it moves at least one byte it
     * must send every descriptor in {@code fds} with the first byte.
     *
     * @param fds descriptors to send; empty when there are none (never {@code null})
     * @return as {@link IoChannel#writev(ByteBuffer[], List, Set)}; never 0
     */
    protected abstract long implWritev(ByteBuffer[] iov, List<NativeFd> fds, Set<WriteFlag> flags) throws IOException;

    /**
     * Releases the transport. Called once, possibly while another thread is blocked in
     * {@code implReadv} or {@code implWritev}: it must make them return (they then get
     * {@code AsynchronousCloseException} from the base) and must signal {@link #readiness()}.
     */
    protected abstract void implClose() throws IOException;

    /** The readiness of this channel; the same object on every call. */
    protected abstract Readiness readiness();

    /** Applies the blocking mode; called only when it changes. */
    protected abstract void implSetBlocking(boolean blocking) throws IOException;

    // ---- optional hooks ---------------------------------------------------------------------

    /** Positional read; called only with {@link Feature#SEEKABLE}. The default refuses. */
    protected long implPreadv(ByteBuffer[] iov, long offset) throws IOException {
        throw new UnsupportedFeatureException(Feature.SEEKABLE, name + ": Channel does not support preadv");
    }

    /** Positional write; called only with {@link Feature#SEEKABLE}. The default refuses. */
    protected long implPwritev(ByteBuffer[] iov, long offset) throws IOException {
        throw new UnsupportedFeatureException(Feature.SEEKABLE, name + ": Channel does not support pwritev");
    }

    /** Seek; called only with {@link Feature#SEEKABLE}. The default refuses. */
    protected long implSeek(long offset, Whence whence) throws IOException {
        throw new UnsupportedFeatureException(Feature.SEEKABLE, name + ": Channel does not support random access");
    }

    /**
     * Half-close; called only with {@link Feature#SHUTDOWN}. Must be thread-safe, must not block,
     * and after {@code READ} must wake a blocked reader (which then returns EOF).
     */
    protected void implShutdown(Shutdown how) throws IOException {
        throw new UnsupportedFeatureException(Feature.SHUTDOWN, name + ": Data path shutdown not supported");
    }

    /** The delay hint; the default ignores it. */
    protected void implSetDelay(boolean enabled) {}

    /** The cork hint; the default ignores it. */
    protected void implSetCork(boolean enabled) {}

    /**
     * Zero-copy flush, or pushing held bytes; called only with {@link Feature#WRITE_ZERO_COPY} or
     * when {@link #holdsWrites()}. The default returns 0.
     */
    protected int implFlush() throws IOException {
        return 0;
    }

    /**
     * Whether this channel holds written bytes back until {@link #flush()} (a buffering layer),
     * so that {@code flush} must reach {@link #implFlush} even without zero-copy. Constant for the
     * channel's life; the default is {@code false}.
     */
    protected boolean holdsWrites() {
        return false;
    }

    /** The peer's pid; the default refuses. */
    protected long implPeerPid() throws IOException {
        throw new UnsupportedOperationException(name + ": Channel does not support peer pid");
    }

    /** The peer's credentials; called only while open. The default refuses. */
    protected PeerCredentials implPeerCredentials() throws IOException {
        throw new UnsupportedOperationException(name + ": Channel does not support peer credentials");
    }

    // ---- for subclasses ---------------------------------------------------------------------

    /** Adds a feature; call while constructing, before the channel is published. */
    protected final void setFeature(Feature feature) {
        featureBits |= 1 << feature.ordinal();
    }

    /**
     * The readiness of another channel, for a layer that combines its own buffered state with the
     * channel under it (TLS reports IN while decrypted bytes wait, whatever the socket says).
     *
     * @return the readiness of {@code inner} if it is built on this class; empty for a channel
     *     that implements {@link IoChannel} by hand, whose readiness is not visible (such a layer
     *     can still block, or wait through {@link IoChannel#addWatch})
     */
    protected static java.util.Optional<Readiness> readinessOf(IoChannel inner) {
        return inner instanceof AbstractIoChannel base
                ? java.util.Optional.of(base.readiness())
                : java.util.Optional.empty();
    }

    /**
     * Runs {@code step} under this channel's read lock if no other thread holds it, while the
     * channel is open; for a {@link Readiness} that must read ahead to know whether a read would
     * return (a layer whose inner bytes may decode to nothing, such as TLS records that carry no
     * data). The step runs on whatever thread polls, so it must not block; a reader that holds
     * the lock reads those bytes itself, which is why the step can be skipped.
     *
     * @return whether {@code step} ran
     */
    protected final boolean tryReadLocked(Runnable step) {
        if (!readLock.tryLock()) {
            return false;
        }
        try {
            if (!isOpen()) {
                return false;
            }
            step.run();
            return true;
        } finally {
            readLock.unlock();
        }
    }

    /**
     * An {@link IOException} whose message names this channel, for hooks to throw.
     *
     * @param what what failed, e.g. "Unable to read from pipe"
     */
    protected final IOException error(String what, Throwable cause) {
        return new IOException(
                name + ": " + what + (cause != null && cause.getMessage() != null ? ": " + cause.getMessage() : ""),
                cause);
    }

    private ByteBuffer[] readOne() {
        ByteBuffer[] one = readOne;
        return one != null ? one : (readOne = new ByteBuffer[1]);
    }

    private ByteBuffer[] writeOne() {
        ByteBuffer[] one = writeOne;
        return one != null ? one : (writeOne = new ByteBuffer[1]);
    }

    // ---- identity ---------------------------------------------------------------------------

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final void setName(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    @Override
    public final Set<Feature> features() {
        return FeatureSets.of(featureBits);
    }

    @Override
    public final boolean hasFeature(Feature feature) {
        return (featureBits & (1 << feature.ordinal())) != 0;
    }

    // ---- reads ------------------------------------------------------------------------------

    @Override
    public final long readv(ByteBuffer[] iov, List<NativeFd> fdsOut, Set<ReadFlag> flags) throws IOException {
        checkRead(iov, fdsOut, flags);
        readLock.lock();
        try {
            return readOnce(iov, fdsOut, flags);
        } finally {
            readLock.unlock();
        }
    }

    @Override
    public final long readv(ByteBuffer... iov) throws IOException {
        return readv(iov, null, NO_READ_FLAGS);
    }

    @Override
    public final int read(ByteBuffer dst) throws IOException {
        readLock.lock();
        try {
            ByteBuffer[] one = readOne();
            one[0] = dst;
            checkRead(one, null, NO_READ_FLAGS);
            return (int) readOnce(one, null, NO_READ_FLAGS);
        } finally {
            readOne[0] = null;
            readLock.unlock();
        }
    }

    @Override
    public final boolean readvAllEof(ByteBuffer[] iov, List<NativeFd> fdsOut, Set<ReadFlag> flags) throws IOException {
        checkRead(iov, fdsOut, flags);
        if (flags.contains(ReadFlag.MSG_PEEK)) {
            throw new IllegalArgumentException(
                    name + ": MSG_PEEK cannot be used to read all: every try would see the same bytes");
        }
        readLock.lock();
        try {
            return readAllLocked(iov, fdsOut, flags);
        } finally {
            readLock.unlock();
        }
    }

    /** QEMU's {@code qio_channel_readv_full_all_eof}, with EOF as -1 and errors as exceptions. */
    private boolean readAllLocked(ByteBuffer[] iov, List<NativeFd> fdsOut, Set<ReadFlag> flags) throws IOException {
        int fdsBefore = fdsOut == null ? 0 : fdsOut.size();
        List<NativeFd> collect = fdsOut; // descriptors come from the first read that returns only
        boolean partial = false;
        try {
            while (Iov.remaining(iov) > 0 || collect != null) {
                long n = readOnce(iov, collect, flags);
                if (n == ERR_BLOCK) {
                    await(IoCondition.IN);
                    continue;
                }
                if (n == EOF) {
                    boolean gotFds = collect != null && collect.size() > fdsBefore;
                    if (!gotFds) {
                        if (!partial) {
                            return false;
                        }
                        throw new EOFException(name + ": Unexpected end-of-file before all data were read");
                    }
                }
                partial = true;
                collect = null;
            }
            return true;
        } catch (IOException | RuntimeException | Error e) {
            closeReceived(fdsOut, fdsBefore, e);
            throw e;
        }
    }

    private static void closeReceived(List<NativeFd> fdsOut, int from, Throwable failure) {
        if (fdsOut == null) {
            return;
        }
        for (int i = fdsOut.size() - 1; i >= from; i--) {
            try {
                fdsOut.get(i).close();
            } catch (IOException | RuntimeException e) {
                failure.addSuppressed(e);
            }
        }
        try {
            fdsOut.subList(from, fdsOut.size()).clear(); // closed, so no longer the caller's
        } catch (RuntimeException e) {
            failure.addSuppressed(e); // a list that takes but will not give back: closed all the same
        }
    }

    @Override
    public final boolean readvAllEof(ByteBuffer... iov) throws IOException {
        return readvAllEof(iov, null, NO_READ_FLAGS);
    }

    @Override
    public final boolean readAllEof(ByteBuffer dst) throws IOException {
        readLock.lock();
        try {
            ByteBuffer[] one = readOne();
            one[0] = dst;
            checkRead(one, null, NO_READ_FLAGS);
            return readAllLocked(one, null, NO_READ_FLAGS);
        } finally {
            readOne[0] = null;
            readLock.unlock();
        }
    }

    @Override
    public final void readvAll(ByteBuffer[] iov, List<NativeFd> fdsOut, Set<ReadFlag> flags) throws IOException {
        if (!readvAllEof(iov, fdsOut, flags)) {
            throw new EOFException(name + ": Unexpected end-of-file before all data were read");
        }
    }

    @Override
    public final void readvAll(ByteBuffer... iov) throws IOException {
        readvAll(iov, null, NO_READ_FLAGS);
    }

    @Override
    public final void readAll(ByteBuffer dst) throws IOException {
        if (!readAllEof(dst)) {
            throw new EOFException(name + ": Unexpected end-of-file before all data were read");
        }
    }

    private void checkRead(ByteBuffer[] iov, List<NativeFd> fdsOut, Set<ReadFlag> flags) throws IOException {
        Iov.check(iov, true);
        Objects.requireNonNull(flags, "flags");
        ensureOpen();
        if (fdsOut != null && !hasFeature(Feature.FD_PASS)) {
            throw new UnsupportedFeatureException(
                    Feature.FD_PASS, name + ": Channel does not support file descriptor passing");
        }
        if (flags.contains(ReadFlag.MSG_PEEK) && !hasFeature(Feature.READ_MSG_PEEK)) {
            throw new UnsupportedFeatureException(Feature.READ_MSG_PEEK, name + ": Channel does not support peek read");
        }
    }

    /** One read under the read lock: the open check, the empty-iov shortcut and the hook. */
    private long readOnce(ByteBuffer[] iov, List<NativeFd> fdsOut, Set<ReadFlag> flags) throws IOException {
        ensureOpen();
        long room = Iov.remaining(iov);
        if (room == 0 && fdsOut == null) {
            return 0;
        }
        int fdsBefore = fdsOut == null ? 0 : fdsOut.size();
        ChannelEvents.Transfer event = ChannelEvents.beginRead();
        long n;
        try {
            n = implReadv(iov, fdsOut, flags);
        } catch (IOException e) {
            throw closedMeanwhile(e);
        }
        events.endRead(event, this, n);
        if (fdsOut != null && fdsOut.size() > fdsBefore) {
            ChannelEvents.descriptors(this, fdsOut.size() - fdsBefore, false);
        }
        if (n <= 0 && !isOpen()) {
            throw new ClosedException.Async(name);
        }
        if (n == 0 && room > 0) {
            throw new IllegalStateException(name + ": provider bug: a read of " + room + " bytes returned 0");
        }
        return n;
    }

    // ---- writes -----------------------------------------------------------------------------

    @Override
    public final long writev(ByteBuffer[] iov, List<NativeFd> fds, Set<WriteFlag> flags) throws IOException {
        List<NativeFd> send = checkWrite(iov, fds, flags);
        writeLock.lock();
        try {
            return writeOnce(iov, send, flags);
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public final long writev(ByteBuffer... iov) throws IOException {
        return writev(iov, null, NO_WRITE_FLAGS);
    }

    @Override
    public final int write(ByteBuffer src) throws IOException {
        writeLock.lock();
        try {
            ByteBuffer[] one = writeOne();
            one[0] = src;
            return (int) writeOnce(one, checkWrite(one, null, NO_WRITE_FLAGS), NO_WRITE_FLAGS);
        } finally {
            writeOne[0] = null;
            writeLock.unlock();
        }
    }

    /** QEMU's {@code qio_channel_writev_full_all}: descriptors go with the first chunk only. */
    @Override
    public final void writevAll(ByteBuffer[] iov, List<NativeFd> fds, Set<WriteFlag> flags) throws IOException {
        List<NativeFd> send = checkWrite(iov, fds, flags);
        writeLock.lock();
        try {
            writeAllLocked(iov, send, flags);
        } finally {
            writeLock.unlock();
        }
    }

    private void writeAllLocked(ByteBuffer[] iov, List<NativeFd> fds, Set<WriteFlag> flags) throws IOException {
        List<NativeFd> send = fds;
        while (Iov.remaining(iov) > 0) {
            long n = writeOnce(iov, send, flags);
            if (n == ERR_BLOCK) {
                await(IoCondition.OUT);
                continue;
            }
            send = List.of();
        }
    }

    @Override
    public final void writevAll(ByteBuffer... iov) throws IOException {
        writevAll(iov, null, NO_WRITE_FLAGS);
    }

    @Override
    public final void writeAll(ByteBuffer src) throws IOException {
        writeLock.lock();
        try {
            ByteBuffer[] one = writeOne();
            one[0] = src;
            writeAllLocked(one, checkWrite(one, null, NO_WRITE_FLAGS), NO_WRITE_FLAGS);
        } finally {
            writeOne[0] = null;
            writeLock.unlock();
        }
    }

    private List<NativeFd> checkWrite(ByteBuffer[] iov, List<NativeFd> fds, Set<WriteFlag> flags) throws IOException {
        Iov.check(iov, false);
        Objects.requireNonNull(flags, "flags");
        ensureOpen();
        boolean haveFds = fds != null && !fds.isEmpty();
        if (haveFds && !hasFeature(Feature.FD_PASS)) {
            throw new UnsupportedFeatureException(
                    Feature.FD_PASS, name + ": Channel does not support file descriptor passing");
        }
        if (flags.contains(WriteFlag.ZERO_COPY)) {
            if (!hasFeature(Feature.WRITE_ZERO_COPY)) {
                throw new UnsupportedFeatureException(
                        Feature.WRITE_ZERO_COPY, name + ": Requested Zero Copy feature is not available");
            }
            if (haveFds) {
                throw new UnsupportedFeatureException(
                        Feature.WRITE_ZERO_COPY, name + ": Zero Copy does not support file descriptor passing");
            }
        }
        if (haveFds && Iov.remaining(iov) == 0) {
            throw new IllegalArgumentException(name + ": file descriptors need at least one byte to travel with");
        }
        return haveFds ? fds : List.of();
    }

    private long writeOnce(ByteBuffer[] iov, List<NativeFd> fds, Set<WriteFlag> flags) throws IOException {
        ensureOpen();
        if (Iov.remaining(iov) == 0) {
            return 0;
        }
        ChannelEvents.Transfer event = ChannelEvents.beginWrite();
        long n;
        try {
            n = implWritev(iov, fds, flags);
        } catch (IOException e) {
            throw closedMeanwhile(e);
        }
        events.endWrite(event, this, n);
        if (n > 0 && !fds.isEmpty()) {
            ChannelEvents.descriptors(this, fds.size(), true);
        }
        if (n <= 0 && !isOpen()) {
            throw new ClosedException.Async(name);
        }
        if (n == 0) {
            throw new IllegalStateException(name + ": provider bug: a write returned 0");
        }
        return n;
    }

    // ---- positional I/O ---------------------------------------------------------------------

    @Override
    public final long preadv(ByteBuffer[] iov, long offset) throws IOException {
        Iov.check(iov, true);
        checkPositional(offset, "preadv");
        readLock.lock();
        try {
            ensureOpen();
            return Iov.remaining(iov) == 0 ? 0 : implPreadv(iov, offset);
        } finally {
            readLock.unlock();
        }
    }

    @Override
    public final long pwritev(ByteBuffer[] iov, long offset) throws IOException {
        Iov.check(iov, false);
        checkPositional(offset, "pwritev");
        writeLock.lock();
        try {
            ensureOpen();
            return Iov.remaining(iov) == 0 ? 0 : implPwritev(iov, offset);
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public final long seek(long offset, Whence whence) throws IOException {
        Objects.requireNonNull(whence, "whence");
        ensureOpen();
        requireSeekable();
        // Both locks: a seek must not land in the middle of a read or a write.
        readLock.lock();
        writeLock.lock();
        try {
            ensureOpen();
            return implSeek(offset, whence);
        } finally {
            writeLock.unlock();
            readLock.unlock();
        }
    }

    private void checkPositional(long offset, String op) throws IOException {
        ensureOpen();
        requireSeekable();
        if (offset < 0) {
            throw new IllegalArgumentException(name + ": " + op + " at negative offset " + offset);
        }
    }

    private void requireSeekable() {
        if (!hasFeature(Feature.SEEKABLE)) {
            throw new UnsupportedFeatureException(Feature.SEEKABLE, name + ": Requested channel is not seekable");
        }
    }

    // ---- modes and hints --------------------------------------------------------------------

    @Override
    public final void setBlocking(boolean blocking) throws IOException {
        ensureOpen();
        synchronized (state) {
            if (this.blocking != blocking) {
                implSetBlocking(blocking);
                this.blocking = blocking;
            }
        }
    }

    @Override
    public final boolean isBlocking() {
        return blocking;
    }

    @Override
    public final void setDelay(boolean enabled) {
        if (isOpen()) {
            implSetDelay(enabled);
        }
    }

    @Override
    public final void setCork(boolean enabled) {
        if (isOpen()) {
            implSetCork(enabled);
        }
    }

    @Override
    public final void shutdown(Shutdown how) throws IOException {
        Objects.requireNonNull(how, "how");
        ensureOpen();
        if (!hasFeature(Feature.SHUTDOWN)) {
            throw new UnsupportedFeatureException(Feature.SHUTDOWN, name + ": Data path shutdown not supported");
        }
        implShutdown(how);
    }

    @Override
    public final int flush() throws IOException {
        ensureOpen();
        if (!hasFeature(Feature.WRITE_ZERO_COPY) && !holdsWrites()) {
            return 0;
        }
        writeLock.lock();
        try {
            return implFlush();
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public final long peerPid() throws IOException {
        ensureOpen();
        return implPeerPid();
    }

    @Override
    public final PeerCredentials peerCredentials() throws IOException {
        ensureOpen();
        return implPeerCredentials();
    }

    // ---- readiness --------------------------------------------------------------------------

    @Override
    public final Watch addWatch(Set<IoCondition> conditions, WatchCallback callback) {
        return addWatch(conditions, callback, EventLoop.shared());
    }

    @Override
    public final Watch addWatch(Set<IoCondition> conditions, WatchCallback callback, EventLoop loop) {
        Objects.requireNonNull(conditions, "conditions");
        Objects.requireNonNull(callback, "callback");
        Objects.requireNonNull(loop, "loop");
        return state.watch(
                readiness(),
                conditions,
                ready -> isOpen() && callback.onReady(this, Collections.unmodifiableSet(ready)),
                loop);
    }

    @Override
    public final void await(IoCondition condition) throws IOException {
        Objects.requireNonNull(condition, "condition");
        ensureOpen();
        state.await(readiness(), condition, name);
    }

    // ---- lifecycle --------------------------------------------------------------------------

    @Override
    public final boolean isOpen() {
        return state.isOpen();
    }

    @Override
    public final void close() throws IOException {
        state.close(
                () -> events.close(this, this::implClose)); // also ends the watches and wakes threads parked in await()
    }

    /** Throws {@link java.nio.channels.ClosedChannelException} (naming the channel) once closed. */
    protected final void ensureOpen() throws IOException {
        state.ensureOpen(name);
    }

    /**
     * A hook failed: if the channel was closed meanwhile (its {@code await} threw
     * ClosedChannelException, or the transport failed because it was closed), report the
     * asynchronous close, as java.nio does; otherwise the hook's own exception.
     */
    private IOException closedMeanwhile(IOException e) {
        if (isOpen() || e instanceof java.nio.channels.AsynchronousCloseException) {
            return e;
        }
        IOException closed = new ClosedException.Async(name);
        closed.initCause(e);
        return closed;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + name + (isOpen() ? "" : ", closed") + "]";
    }
}

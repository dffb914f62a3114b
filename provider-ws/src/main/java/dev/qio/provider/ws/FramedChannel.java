package dev.qio.provider.ws;

import dev.qio.channel.EventLoop;
import dev.qio.channel.Feature;
import dev.qio.channel.IoChannel;
import dev.qio.channel.IoCondition;
import dev.qio.channel.NativeFd;
import dev.qio.channel.ReadFlag;
import dev.qio.channel.Shutdown;
import dev.qio.channel.WriteFlag;
import dev.qio.channel.spi.ConditionMask;
import dev.qio.channel.spi.InnerInput;
import dev.qio.channel.spi.InnerReaderGate;
import dev.qio.channel.spi.Iov;
import dev.qio.channel.spi.LayerChannel;
import dev.qio.channel.spi.LayerTimer;
import dev.qio.channel.spi.LingeringClose;
import dev.qio.channel.spi.Readiness;
import dev.qio.channel.spi.SignalledReadiness;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@link WsChannel} over an inner channel: the upgrade ({@link Handshake}), then frames in
 * ({@link FrameReader}) and out ({@link Outbound}). This class holds what ties them together:
 * the input buffer, the modes, the close handshake and readiness.
 *
 * <h2>Buffers and locks</h2>
 * {@code netIn} holds bytes read from the inner channel and not yet taken apart; it belongs to
 * the reading side (the base's read lock, or {@code handshakeLock} during the upgrade) and stays
 * in read mode between calls. The output side has its own lock inside {@link Outbound}. Both
 * sides' buffers are direct: a socket reads into and writes from a heap buffer through a
 * temporary direct one, a copy per call.
 *
 * <h2>Modes</h2>
 * As in {@code tls+}, the inner channel stays non-blocking whatever this channel's mode, and in
 * blocking mode this channel waits with the inner channel's {@code await}, so that a close frame
 * or a pong can be pushed out from the shared loop without ever blocking it. A hand-made inner
 * channel whose readiness is not visible keeps blocking mode, and so does this channel.
 *
 * <p>Past 400 lines because it is the one place where the upgrade, {@link FrameReader} and
 * {@link Outbound} meet the channel contract: its sections (handshake, reads, writes, closing,
 * readiness) are short, and each reads or sets the state the others need (input buffered, the
 * close handshake's progress), which a split would pass across classes.
 */
final class FramedChannel extends LayerChannel implements WsChannel, FrameReader.Peer, Handshake.Input {
    /** Input buffer sizes: enough for any upgrade head, grown once for frames of bulk size. */
    private static final int NET_IN_START = 16 << 10;

    private static final int NET_IN_BULK = 64 << 10;

    /** The inner channel's readiness; {@code null} for a hand-made inner channel we cannot see into. */
    private final Readiness innerReadiness;

    private final boolean client;
    private final SignalledReadiness own = new SignalledReadiness(() -> ConditionMask.set(0));
    private final Readiness readiness;
    private final Outbound out;
    private final FrameReader reader;
    private final Handshake handshake;
    private final long timeoutMillis;
    private final int writeFrame;

    private ByteBuffer netIn = ByteBuffer.allocateDirect(NET_IN_START).flip();
    private final ByteBuffer[] netInOne = {netIn};
    /** The one-buffer iov of {@link #fillDirect}; guarded by the read lock. */
    private final ByteBuffer[] directOne = new ByteBuffer[1];
    /** Reads of at least this much payload skip {@code netIn} (see {@link #directTarget}). */
    private static final int DIRECT_MIN = 4096;

    /** Where a blocking reader parks in the inner channel, so that a close knows to wake it. */
    private final InnerReaderGate gate = new InnerReaderGate();

    private final ReentrantLock handshakeLock = new ReentrantLock();
    private volatile boolean handshakeDone;
    /** What the upgrade waits for on the inner channel; {@code null} before the first try. */
    private volatile IoCondition handshakeWants;

    private volatile IOException handshakeFailure;
    private volatile CompletableFuture<WsChannel> pendingHandshake;
    private volatile ScheduledFuture<?> timer;
    private volatile boolean timedOut;

    /** The failure every later read throws: a protocol violation or the peer's abnormal close. */
    private volatile WsCloseException readFailure;
    /** Whether the peer's clean close frame arrived: reads return EOF from now on. */
    private volatile boolean peerClosed;

    private volatile boolean readShut;
    /** Whether a read would return at once, with payload, an end or a failure (IN in {@link #readiness()}). */
    private volatile boolean inputReady;
    /** {@link #inputReady}, or a header or control frame that may carry no payload (then IN needs a read-ahead). */
    private volatile boolean inputBuffered;
    /** The inner channel's end of stream, met by {@link #readAhead}; every later fill returns it. Read lock. */
    private volatile boolean innerEnded;
    /** What {@link #readAhead} met reading the inner channel, thrown by the next read; read lock. */
    private IOException aheadFailure;
    /** {@link #readAhead}'s answer for the poll that ran it; read lock. */
    private boolean aheadSaysIn;
    /** Made once, so that a poll allocates no method reference. */
    private final Runnable readAheadStep = this::readAhead;

    /**
     * @param host for a client, the {@code Host} header; ignored on a server
     */
    FramedChannel(IoChannel inner, boolean client, WsOptions options, String host) throws IOException {
        super("ws+" + inner.name(), inner);
        this.client = client;
        this.innerReadiness = readinessOf(inner).orElse(null);
        this.readiness = innerReadiness == null ? SignalledReadiness.alwaysReady() : new Combined();
        this.out = new Outbound(inner, client, innerReadiness != null, name(), own::signal, this::closeInnerQuietly);
        this.reader = new FrameReader(this, !client, options);
        this.handshake = client
                ? Handshake.client(options, out, this, name(), host)
                : Handshake.server(options, out, this, name());
        this.timeoutMillis = options.handshakeTimeout().toMillis();
        this.writeFrame = options.writeFrame();
        if (inner.hasFeature(Feature.SHUTDOWN)) {
            setFeature(Feature.SHUTDOWN);
        }
        if (inner.hasFeature(Feature.CONCURRENT_IO)) {
            setFeature(Feature.CONCURRENT_IO); // reads and writes share only Outbound, which has its own lock
        }
        if (innerReadiness != null) {
            inner.setBlocking(false); // this channel waits on the inner one itself; see the class description
        }
    }

    // ---- handshake --------------------------------------------------------------------------

    @Override
    public void handshake() throws IOException {
        ensureOpen();
        startTimer();
        try {
            while (!advanceHandshake()) {
                waitInner(handshakeWants);
            }
        } catch (IOException e) {
            throw timedOut ? timeout(e) : e;
        }
    }

    @Override
    public CompletableFuture<WsChannel> handshakeAsync(EventLoop loop) {
        Objects.requireNonNull(loop, "loop");
        CompletableFuture<WsChannel> done = new CompletableFuture<>();
        if (handshakeDone) {
            done.complete(this);
        } else if (!isOpen()) {
            done.completeExceptionally(new java.nio.channels.ClosedChannelException());
        } else {
            pendingHandshake = done;
            startTimer();
            loop.execute(() -> stepAsync(done, loop));
        }
        return done;
    }

    /** One turn of the asynchronous upgrade: as far as it goes, then a watch for what it needs. */
    private void stepAsync(CompletableFuture<WsChannel> done, EventLoop loop) {
        if (done.isDone()) {
            return;
        }
        try {
            if (advanceHandshake()) {
                done.complete(this);
                return;
            }
            inner.addWatch(
                    Set.of(handshakeWants),
                    (ch, ready) -> {
                        stepAsync(done, loop);
                        return false;
                    },
                    loop);
        } catch (IOException | RuntimeException e) {
            done.completeExceptionally(timedOut ? timeout(e) : e);
        }
    }

    /** I/O before the upgrade runs it: all of it in blocking mode, as far as it goes otherwise. */
    private boolean handshakeFirst() throws IOException {
        if (isBlocking()) {
            handshake();
            return true;
        }
        return advanceHandshake();
    }

    /** @return whether the upgrade is over; if not, {@link #handshakeWants} says what to wait for */
    private boolean advanceHandshake() throws IOException {
        handshakeLock.lock();
        try {
            if (handshakeDone) {
                return true;
            }
            if (handshakeFailure != null) {
                throw handshakeFailure;
            }
            IoCondition wants = handshake.step();
            if (wants == null) {
                if (innerReadiness != null) {
                    // One more read, kept in netIn if it brings frames: when it meets ERR_BLOCK the
                    // inner channel learns it is drained and stops reporting the IN left over from
                    // the upgrade's last read, so a watch for data waits for data. An EOF or a
                    // failure here comes again at the first read, which reports it.
                    fillQuietly();
                }
                handshakeDone = true;
                ScheduledFuture<?> t = timer;
                if (t != null) {
                    t.cancel(false);
                }
                updateInputBuffered();
            } else {
                handshakeWants = wants;
            }
            own.signal(); // waiters now wait for what the upgrade wants, or for data
            return handshakeDone;
        } catch (IOException e) {
            handshakeFailure = e;
            throw e;
        } finally {
            handshakeLock.unlock();
        }
    }

    private void startTimer() {
        if (timeoutMillis > 0 && timer == null && !handshakeDone) {
            timer = LayerTimer.after(timeoutMillis, TimeUnit.MILLISECONDS, this::timeUp);
        }
    }

    /** The upgrade took too long: closing the channel ends a waiting handshake, which then reports the timeout. */
    private void timeUp() {
        if (!handshakeDone) {
            timedOut = true;
            try {
                close();
            } catch (IOException ignored) {
                // the handshake reports the timeout; the close's own failure adds nothing
            }
        }
    }

    private WsHandshakeException timeout(Throwable cause) {
        WsHandshakeException e = new WsHandshakeException(
                name() + ": no WebSocket upgrade within " + timeoutMillis + " ms (option handshake-timeout)", 0);
        e.initCause(cause);
        return e;
    }

    @Override
    public boolean isHandshakeComplete() {
        return handshakeDone;
    }

    @Override
    public boolean isClient() {
        return client;
    }

    @Override
    public String subprotocol() {
        if (!handshakeDone) {
            throw new IllegalStateException(name() + ": no subprotocol before the WebSocket upgrade completed");
        }
        return handshake.subprotocol();
    }

    // ---- reads ------------------------------------------------------------------------------

    @Override
    protected long implReadv(ByteBuffer[] iov, List<NativeFd> fdsOut, Set<ReadFlag> flags) throws IOException {
        if (!handshakeDone && !handshakeFirst()) {
            return ERR_BLOCK;
        }
        try {
            return readPayload(iov, flags);
        } finally {
            updateInputBuffered();
        }
    }

    /** QEMU's websock readv: whatever payload is buffered; reads the inner channel only when none is. */
    private long readPayload(ByteBuffer[] iov, Set<ReadFlag> flags) throws IOException {
        while (true) {
            if (readFailure != null) {
                throw readFailure;
            }
            if (aheadFailure != null) {
                throw aheadFailure;
            }
            if (readShut || peerClosed) {
                return EOF;
            }
            long moved = reader.deliver(netIn, iov);
            if (moved > 0) {
                return moved;
            }
            if (reader.closeCode() != 0) {
                return peerClose(reader.closeCode(), reader.closeReason());
            }
            ByteBuffer direct = directTarget(iov);
            long n = direct != null ? fillDirect(direct) : fill();
            if (n > 0 && direct != null) {
                return n;
            }
            if (n == ERR_BLOCK) {
                return ERR_BLOCK;
            }
            if (n == EOF) {
                if (flags.contains(ReadFlag.RELAXED_EOF) || readShut) {
                    return EOF;
                }
                throw new WsCloseException(
                        name() + ": the connection ended without a WebSocket close frame (1006 "
                                + Frames.meaning(Frames.ABNORMAL) + "); pass ReadFlag.RELAXED_EOF to accept this end",
                        Frames.ABNORMAL,
                        "",
                        true);
            }
        }
    }

    /** The peer's close frame: a clean one is end of stream; another code fails and is echoed (section 5.5.1). */
    private long peerClose(int code, String reason) throws WsCloseException {
        if (Frames.isClean(code)) {
            peerClosed = true;
            return EOF;
        }
        out.close(code, "");
        readFailure = new WsCloseException(
                name() + ": the peer closed the WebSocket with " + code + " (" + Frames.meaning(code) + ")"
                        + (reason.isEmpty() ? "" : ": " + reason),
                code,
                reason,
                true);
        throw readFailure;
    }

    @Override
    public WsCloseException violation(int code, String problem) {
        WsCloseException e = new WsCloseException(
                name() + ": " + problem + "; closing with " + code + " (" + Frames.meaning(code) + ")",
                code,
                problem,
                false);
        readFailure = e;
        out.close(code, problem);
        return e;
    }

    @Override
    public void pong(ByteBuffer payload) {
        if (!out.closeQueued()) {
            out.pong(payload);
        }
    }

    @Override
    public ByteBuffer buffer() {
        return netIn;
    }

    /**
     * Reads the inner channel into {@code netIn}; returns as the inner read. In blocking mode
     * after the upgrade it waits for the inner channel; during the upgrade it never waits.
     */
    @Override
    public long fill() throws IOException {
        return fill(true);
    }

    /** {@link #fill()}; {@code mayWait}: whether blocking mode may wait (a poll's read-ahead must not). */
    private long fill(boolean mayWait) throws IOException {
        if (innerEnded) {
            return EOF;
        }
        netIn.compact();
        try {
            if (netIn.capacity() < NET_IN_BULK && reader.payloadLeft() >= netIn.capacity()) {
                ByteBuffer bigger = ByteBuffer.allocateDirect(NET_IN_BULK);
                netIn.flip();
                netIn = bigger.put(netIn);
                netInOne[0] = netIn;
            }
            long n;
            while ((n = inner.readv(netInOne)) == ERR_BLOCK
                    && mayWait
                    && isBlocking()
                    && handshakeDone
                    && innerReadiness != null) {
                gate.await(inner);
            }
            return n;
        } finally {
            netIn.flip();
        }
    }

    /**
     * The caller's buffer to read payload into straight from the inner channel, skipping
     * {@code netIn} and a copy, or {@code null}: only in the middle of a large frame, with
     * {@code netIn} empty and room for at least {@link #DIRECT_MIN} bytes.
     */
    private ByteBuffer directTarget(ByteBuffer[] iov) {
        if (netIn.hasRemaining() || reader.payloadLeft() < DIRECT_MIN) {
            return null;
        }
        ByteBuffer b = iov[Iov.firstWithRemaining(iov)];
        return b.remaining() >= DIRECT_MIN ? b : null;
    }

    /** Reads payload of the current frame into {@code b}, its limit cut to the frame meanwhile; returns as {@link #fill()}. */
    private long fillDirect(ByteBuffer b) throws IOException {
        int at = b.position();
        int limit = b.limit();
        b.limit(at + (int) Math.min(b.remaining(), reader.payloadLeft()));
        directOne[0] = b;
        long n;
        try {
            while ((n = inner.readv(directOne)) == ERR_BLOCK && isBlocking() && innerReadiness != null) {
                gate.await(inner);
            }
        } finally {
            directOne[0] = null;
            b.limit(limit);
        }
        if (n > 0) {
            reader.deliveredInPlace(b, at, (int) n);
        }
        return n;
    }

    private void fillQuietly() {
        try {
            fill();
        } catch (IOException | RuntimeException later) {
            // see the caller
        }
    }

    /**
     * For readiness, under the read lock and without waiting: reads what the inner channel has
     * and takes control frames and headers until payload, the peer's close, the inner end of
     * stream or a failure is here, so that IN is reported for those and not for bytes that carry
     * no payload (a ping, a header whose payload is still on its way). A failure is kept for the
     * next read; nothing here throws. Its answer: {@link #aheadSaysIn}.
     */
    private void readAhead() {
        boolean in = true;
        int blocks = 0;
        try {
            while (readFailure == null && aheadFailure == null && !peerClosed && !readShut && !innerEnded) {
                if (reader.skipToPayload(netIn)) {
                    break;
                }
                long n = fill(false);
                if (n == EOF) {
                    innerEnded = true;
                } else if (n != ERR_BLOCK) {
                    blocks = 0;
                } else {
                    InnerInput.Block b = InnerInput.afterBlock(innerReadiness, ++blocks);
                    if (b != InnerInput.Block.SPURIOUS) {
                        in = b == InnerInput.Block.UNKNOWN; // cannot tell: over-report IN rather than miss it
                        break;
                    }
                }
            }
        } catch (WsCloseException violation) {
            // violation() kept it for the next read
        } catch (IOException e) {
            aheadFailure = e;
        } catch (RuntimeException e) {
            aheadFailure = error("Unable to read ahead", e);
        }
        aheadSaysIn = in;
        updateInputBuffered();
    }

    /** Records what a read would find without the inner channel, for readiness; called by the reading side. */
    private void updateInputBuffered() {
        boolean ready = readFailure != null
                || peerClosed
                || innerEnded
                || aheadFailure != null
                || reader.closeCode() != 0
                || (reader.payloadLeft() > 0 && netIn.hasRemaining());
        boolean buffered = ready || reader.canProgress(netIn);
        inputReady = ready;
        inputBuffered = buffered;
        if (buffered) {
            own.signal(); // a level watch re-polls and sees IN although the inner channel is quiet
        }
    }

    // ---- writes -----------------------------------------------------------------------------

    /**
     * Sends one binary frame of up to {@code write-frame} bytes; see {@link Outbound#writeData}
     * for the modes. QEMU frames at most 8 KiB per call and keeps the rest for a watch to push;
     * here a blocking write returns once its frame is on the inner channel.
     */
    @Override
    protected long implWritev(ByteBuffer[] iov, List<NativeFd> fds, Set<WriteFlag> flags) throws IOException {
        if (!handshakeDone && !handshakeFirst()) {
            return ERR_BLOCK;
        }
        return out.writeData(iov, writeFrame, isBlocking());
    }

    // ---- closing ----------------------------------------------------------------------------

    /**
     * READ: later reads return EOF (a blocked one wakes through the inner channel). WRITE: sends
     * a close frame (1000) and, once it has gone, half-closes the inner channel; never blocks.
     */
    @Override
    protected void implShutdown(Shutdown how) throws IOException {
        if (how.reads()) {
            readShut = true;
            inner.shutdown(Shutdown.READ);
        }
        if (how.writes()) {
            if (handshakeDone) {
                out.close(Frames.NORMAL, "");
            }
            if (out.flushNow()) {
                inner.shutdown(Shutdown.WRITE);
            } // else the flusher sends it; the close frame itself tells the peer the stream ended
        }
        own.signal();
    }

    /**
     * Sends a close frame without blocking and hands the inner channel on: to the flusher where
     * it cannot take everything yet, then to a {@link LingeringClose}, which closes it once the
     * peer has ended too ({@link Outbound#closeOrLinger}). A reader of ours parked in the inner
     * channel is woken by shutting its read side, and the inner channel then closes once the
     * frame went, without the linger. Before the upgrade is done the inner channel closes once
     * what waits (an HTTP refusal) went.
     */
    @Override
    protected void implClose() throws IOException {
        boolean handedOver = false;
        try {
            boolean readerParked = gate.closing();
            boolean canShut = inner.hasFeature(Feature.SHUTDOWN);
            // not during the upgrade: a blocking upgrade waits in the inner channel, and only its close wakes it
            handedOver = out.closeOrLinger(handshakeDone, handshakeDone && canShut && !readerParked);
            if (handedOver && readerParked && canShut) {
                drainInput();
                inner.shutdown(Shutdown.READ); // wakes our reader; the flusher closes the inner channel
            }
        } catch (IOException ignored) {
            // the flusher closed it already
        } finally {
            try {
                if (!handedOver) {
                    drainInput();
                    inner.close();
                }
            } finally {
                ScheduledFuture<?> t = timer;
                if (t != null) {
                    t.cancel(false);
                }
                CompletableFuture<WsChannel> pending = pendingHandshake;
                if (pending != null && !pending.isDone()) {
                    AsynchronousCloseException closed = new AsynchronousCloseException();
                    closed.initCause(new IOException(name() + ": closed during the WebSocket upgrade"));
                    pending.completeExceptionally(timedOut ? timeout(closed) : closed);
                }
                own.signal();
            }
        }
    }

    /**
     * {@link InnerInput#dropUnread}: our close frame or HTTP refusal may still be in flight. Only
     * with a visible readiness: a hand-made inner channel may be blocking.
     */
    private void drainInput() {
        if (innerReadiness != null) {
            InnerInput.dropUnread(inner, innerReadiness);
        }
    }

    private void closeInnerQuietly() {
        try {
            inner.close();
        } catch (IOException ignored) {
            // the close frame is out or lost; nobody is left to tell
        }
    }

    // ---- modes, hints, readiness ------------------------------------------------------------

    private void waitInner(IoCondition condition) throws IOException {
        if (innerReadiness != null) {
            inner.await(condition);
        }
    }

    @Override
    protected void implSetBlocking(boolean blocking) throws IOException {
        if (innerReadiness == null && !blocking) {
            throw new UnsupportedOperationException(
                    name() + ": non-blocking WebSocket needs to see the inner channel's" + " readiness; "
                            + inner.getClass().getName() + " does not extend dev.qio.channel.spi.AbstractIoChannel");
        }
    }

    @Override
    protected Readiness readiness() {
        return readiness;
    }

    /**
     * The inner channel's readiness, amended: IN only when a read would return at once (payload,
     * the peer's close, an end or a failure), even if the inner channel is quiet, as QEMU's
     * websock source reports IN for decoded bytes; where the inner channel has bytes that may be
     * no payload (a ping, a header whose payload is on its way), the poll reads ahead to know
     * ({@link #readAhead}). OUT only once framed bytes have gone. While the upgrade runs, IN and
     * OUT both mean "the upgrade can move".
     */
    private final class Combined implements Readiness {
        private static final IoCondition[] ALL = IoCondition.values();

        @Override
        public Set<IoCondition> poll() {
            Set<IoCondition> now = innerReadiness.poll();
            int mask = 0;
            for (IoCondition c : ALL) {
                mask |= now.contains(c) ? 1 << c.ordinal() : 0;
            }
            if (!handshakeDone) {
                IoCondition wants = handshakeWants;
                boolean canMove = wants == null || handshakeFailure != null || now.contains(wants);
                return ConditionMask.set(
                        canMove
                                ? mask | ConditionMask.IN | ConditionMask.OUT
                                : mask & ~(ConditionMask.IN | ConditionMask.OUT));
            }
            // IN means a read returns at once: what the inner channel has may be no payload at all
            boolean maybe = (mask & ConditionMask.IN) != 0 || inputBuffered;
            boolean in = inputReady || (maybe && (!tryReadLocked(readAheadStep) || aheadSaysIn));
            mask = in ? mask | ConditionMask.IN : mask & ~ConditionMask.IN;
            if (out.isPending() && (mask & ConditionMask.OUT) != 0 && !out.flushFromPoll()) {
                mask &= ~ConditionMask.OUT;
            }
            return ConditionMask.set(mask);
        }

        @Override
        public Registration subscribe(Set<IoCondition> interest, Runnable listener) {
            // the upgrade can need either condition, and so can a pong, whatever the caller waits for
            Registration fromInner = innerReadiness.subscribe(EnumSet.of(IoCondition.IN, IoCondition.OUT), listener);
            Registration fromUs = own.subscribe(interest, listener);
            return () -> {
                fromInner.close();
                fromUs.close();
            };
        }
    }
}

package dev.qio.provider.tls;

import dev.qio.channel.EventLoop;
import dev.qio.channel.Feature;
import dev.qio.channel.IoChannel;
import dev.qio.channel.IoCondition;
import dev.qio.channel.NativeFd;
import dev.qio.channel.ReadFlag;
import dev.qio.channel.Shutdown;
import dev.qio.channel.WriteFlag;
import dev.qio.channel.spi.AbstractIoChannel;
import dev.qio.channel.spi.ConditionMask;
import dev.qio.channel.spi.Iov;
import dev.qio.channel.spi.Readiness;
import dev.qio.channel.spi.SignalledReadiness;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLEngineResult.Status;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSession;

/**
 * {@link TlsChannel} on an {@link SSLEngine}: ciphertext moves through the inner channel, the
 * engine turns it into plaintext and back (QEMU's {@code io/channel-tls.c} with the JDK in
 * GnuTLS's place).
 *
 * <h2>Buffers and locks</h2>
 * {@code netIn} holds ciphertext read from the inner channel and {@code appIn} plaintext decrypted
 * but not yet delivered; both belong to the reading side (the base's read lock, or
 * {@code handshakeLock} during the handshake). {@code netOut} holds ciphertext the inner channel
 * has not taken yet and belongs to {@code outLock}, which readers take too when the engine needs
 * to send something (a TLS 1.2 close_notify reply, a TLS 1.3 key update). All three stay in
 * read mode between calls: position to limit is what is pending. Reads big enough for a whole
 * record decrypt straight into the caller's buffers, skipping {@code appIn}.
 *
 * <h2>Modes</h2>
 * The inner channel stays non-blocking whatever this channel's mode; in blocking mode this
 * channel waits with the inner channel's {@code await}. So switching modes never blocks, and
 * ciphertext that a non-blocking write left waiting can be pushed out from the shared loop (the
 * flusher) without that loop ever blocking. A hand-made inner channel whose readiness is not
 * visible is the exception: it keeps this channel's mode, and this channel stays blocking.
 */
final class SslEngineChannel extends AbstractIoChannel implements TlsChannel {
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    /** TLS record header: type, version (2), length (2). */
    private static final int HEADER = 5;
    /** Records one write encrypts at most: 64 KiB of plaintext, one inner write in blocking mode. */
    private static final int RECORDS_PER_CALL = 4;

    private final IoChannel inner;
    /** The inner channel's readiness; {@code null} for a hand-made inner channel we cannot see into. */
    private final Readiness innerReadiness;
    private final SSLEngine engine;
    private final SignalledReadiness own;
    private final Readiness readiness;

    /**
     * The session's record sizes, read once after the handshake rather than per call:
     * {@code SSLEngine.getSession()} takes the engine's lock.
     */
    private volatile int appBufferSize;
    private volatile int packetBufferSize;
    private ByteBuffer netIn;
    private ByteBuffer appIn;
    private final ByteBuffer[] netInOne = new ByteBuffer[1];
    private final ReentrantLock outLock = new ReentrantLock();
    private ByteBuffer netOut;
    private final ByteBuffer[] netOutOne = new ByteBuffer[1];
    /** Whether {@code netOut} holds ciphertext; read by {@link Combined#poll()} without the lock. */
    private volatile boolean outPending;
    /** Whether a watch on the inner channel is pushing {@code netOut} out; guarded by outLock. */
    private boolean flusherArmed;
    /** Set once close has handed the inner channel to the flusher, which closes it when done. */
    private volatile boolean lingering;
    /**
     * Whether a caller (a write, bye, a reader answering the engine) holds outLock, as opposed
     * to the flusher, a poll or the handshake, which hold it only for a non-blocking push: close
     * waits for those, but not for a caller, which may be blocked in the inner channel waiting
     * for the very close that wakes it.
     */
    private volatile boolean callerWriting;
    /** Guards close's wait for outLock ({@link #lockUnlessCallerWrites}). */
    private final ReentrantLock closeWait = new ReentrantLock();
    /** Signalled when outLock is released, or taken by a caller, while close waits. */
    private final Condition outLockChanged = closeWait.newCondition();
    /** Whether close waits for outLock; only then do its holders take closeWait to signal. */
    private volatile boolean closeWaiting;

    private final ReentrantLock handshakeLock = new ReentrantLock();
    private volatile boolean handshakeDone;
    /** What the handshake waits for on the inner channel; {@code null} before the first try. */
    private volatile IoCondition handshakeWants;
    private volatile IOException handshakeFailure;
    private volatile CompletableFuture<TlsChannel> pendingHandshake;
    /** The handshake's JFR event while one is being recorded, else {@code null}; guarded by handshakeLock. */
    private TlsHandshakeEvent handshakeEvent;
    /** Whether a read would return without the inner channel: plaintext or a whole record is here, or the peer said close_notify. */
    private volatile boolean inputBuffered;
    private volatile boolean readShut;
    private volatile boolean closeNotifySent;

    SslEngineChannel(IoChannel inner, SSLEngine engine) throws IOException {
        super("tls+" + inner.name());
        this.inner = inner;
        this.engine = engine;
        this.innerReadiness = readinessOf(inner).orElse(null);
        this.own = new SignalledReadiness(() -> ConditionMask.set(0));
        this.readiness = innerReadiness == null ? SignalledReadiness.always(EnumSet.of(IoCondition.IN, IoCondition.OUT)) : new Combined();
        SSLSession session = engine.getSession();
        int packet = session.getPacketBufferSize();
        this.appBufferSize = session.getApplicationBufferSize();
        this.packetBufferSize = packet;
        this.netIn = ByteBuffer.allocate(2 * packet).flip();
        this.appIn = ByteBuffer.allocate(session.getApplicationBufferSize()).flip();
        // Two records' room to start with: SSLEngine wraps only into a record's worth of room, and
        // a handshake flight queues several small records before it goes out. The first write of
        // more than a record grows it to RECORDS_PER_CALL records, so a connection that only
        // shakes hands or carries small messages never allocates what a bulk writer needs.
        this.netOut = ByteBuffer.allocate(2 * packet).flip();
        netInOne[0] = netIn;
        netOutOne[0] = netOut;
        if (inner.hasFeature(Feature.SHUTDOWN) && List.of(engine.getEnabledProtocols()).contains("TLSv1.3")) {
            // Half-close needs TLS 1.3: in 1.2 the JDK answers a close_notify with its own and
            // ends both directions, so a session that can only be 1.2 does not claim SHUTDOWN.
            setFeature(Feature.SHUTDOWN);
        }
        if (inner.hasFeature(Feature.CONCURRENT_IO)) {
            setFeature(Feature.CONCURRENT_IO); // SSLEngine lets wrap and unwrap run at once
        }
        if (innerReadiness != null) {
            inner.setBlocking(false); // this channel waits on the inner one itself; see the class description
        }
        handshakeEvent = TlsHandshakeEvent.start();
        engine.beginHandshake();
    }

    // ---- handshake --------------------------------------------------------------------------

    @Override
    public void handshake() throws IOException {
        ensureOpen();
        while (!advanceHandshake()) {
            inner.await(handshakeWants);
        }
    }

    @Override
    public CompletableFuture<TlsChannel> handshakeAsync(EventLoop loop) {
        java.util.Objects.requireNonNull(loop, "loop");
        CompletableFuture<TlsChannel> done = new CompletableFuture<>();
        if (handshakeDone) {
            done.complete(this);
            return done;
        }
        if (!isOpen()) {
            done.completeExceptionally(new java.nio.channels.ClosedChannelException());
            return done;
        }
        pendingHandshake = done;
        loop.execute(() -> stepAsync(done, loop));
        return done;
    }

    /**
     * One turn of the asynchronous handshake on its loop. With a non-blocking inner channel each
     * turn returns as soon as the inner channel would block; a hand-made inner channel (which
     * keeps blocking mode) runs the whole handshake in one turn.
     */
    private void stepAsync(CompletableFuture<TlsChannel> done, EventLoop loop) {
        if (done.isDone()) {
            return;
        }
        try {
            if (advanceHandshake()) {
                done.complete(this);
                return;
            }
            inner.addWatch(Set.of(handshakeWants), (ch, ready) -> {
                stepAsync(done, loop);
                return false;
            }, loop);
        } catch (IOException | RuntimeException e) {
            done.completeExceptionally(e);
        }
    }

    /** I/O before the handshake runs it: all of it in blocking mode, as far as it goes otherwise. */
    private boolean handshakeFirst() throws IOException {
        if (isBlocking()) {
            handshake();
            return true;
        }
        return advanceHandshake();
    }

    @Override
    public boolean isHandshakeComplete() {
        return handshakeDone;
    }

    /**
     * Moves the handshake on as far as the inner channel allows.
     *
     * @return whether it is over; if not, {@link #handshakeWants} says which condition of the
     *     inner channel to wait for
     */
    private boolean advanceHandshake() throws IOException {
        handshakeLock.lock();
        try {
            if (handshakeDone) {
                return true;
            }
            if (handshakeFailure != null) {
                throw handshakeFailure;
            }
            try {
                IoCondition wants;
                while ((wants = handshakeStep()) == null) {
                    if (handshakeDone) {
                        return true;
                    }
                }
                handshakeWants = wants;
                own.signal(); // waiters now wait for what the handshake wants
                return false;
            } catch (SSLException e) {
                sendAlert();
                SSLHandshakeException failure = new SSLHandshakeException(name() + ": TLS handshake failed: " + e.getMessage());
                failure.initCause(e);
                handshakeFailure = failure;
                TlsHandshakeEvent.finish(handshakeEvent, name(), engine, failure);
                throw failure;
            }
        } finally {
            handshakeLock.unlock();
        }
    }

    /** One step: {@code null} to go on (or when done), else the inner condition to wait for. */
    private IoCondition handshakeStep() throws IOException {
        HandshakeStatus status = engine.getHandshakeStatus();
        switch (status) {
            case NEED_TASK -> runTasks();
            case NEED_WRAP -> {
                // Queued, not sent: a flight goes out whole, in one write, when the handshake
                // next waits for the peer (or ends). Sent record by record, a later small segment
                // waits for the ACK of an earlier one (Nagle), which the peer delays while it
                // waits for the rest: 40 ms per flight on Linux loopback. The JDK's TLS 1.3
                // client even asks to unwrap between its ChangeCipherSpec and its certificate.
                outLock.lock();
                try {
                    wrapControl();
                } finally {
                    unlockOut();
                }
            }
            case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                SSLEngineResult r = unwrapToAppIn();
                if (r.getStatus() == Status.BUFFER_UNDERFLOW) {
                    if (!flushHandshake()) {
                        return IoCondition.OUT; // what the peer waits for goes out first
                    }
                    long n = fillNetIn();
                    if (n == ERR_BLOCK) {
                        return IoCondition.IN;
                    }
                    if (n == EOF) {
                        throw new SSLHandshakeException("the peer closed the connection during the handshake");
                    }
                } else if (r.getStatus() == Status.CLOSED) {
                    throw new SSLHandshakeException("the peer closed the TLS session during the handshake");
                }
            }
            case FINISHED, NOT_HANDSHAKING -> {
                if (!flushHandshake()) {
                    return IoCondition.OUT;
                }
                if (innerReadiness != null) {
                    // One more read, kept in netIn if it brings data: when it meets ERR_BLOCK the
                    // inner channel learns it is drained and stops reporting the IN left over
                    // from the handshake's last read, so a watch for data waits for data.
                    fillNetIn();
                }
                appBufferSize = engine.getSession().getApplicationBufferSize(); // as negotiated
                packetBufferSize = engine.getSession().getPacketBufferSize();
                handshakeDone = true;
                TlsHandshakeEvent.finish(handshakeEvent, name(), engine, null);
                updateInputBuffered();
            }
        }
        return null;
    }

    /**
     * Sends the handshake records queued so far; false if the inner channel would block first. A
     * failed write reports the alert the peer sent before it hung up, when there is one.
     */
    private boolean flushHandshake() throws IOException {
        outLock.lock();
        try {
            return flushOut();
        } catch (SSLException e) {
            throw e;
        } catch (IOException e) {
            throw peerAlertOr(e);
        } finally {
            unlockOut();
        }
    }

    /**
     * A handshake write failed (the peer hung up, "broken pipe"): the peer usually sent an alert
     * saying why before it went, so read what is left and let the engine report that alert.
     */
    private IOException peerAlertOr(IOException writeFailure) {
        try {
            for (int i = 0; i < 8; i++) {
                unwrapToAppIn();
                if (fillNetIn() < 0) {
                    break;
                }
            }
        } catch (SSLException alert) {
            alert.addSuppressed(writeFailure);
            return alert;
        } catch (IOException | RuntimeException nothingMore) {
            writeFailure.addSuppressed(nothingMore);
        }
        return writeFailure;
    }

    /** After a failed step, lets the engine send its alert so the peer learns why; best effort. */
    private void sendAlert() {
        if (!outLock.tryLock()) {
            return;
        }
        try {
            for (int i = 0; i < 4 && engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP; i++) {
                wrapControl();
            }
            flushOut();
        } catch (IOException | RuntimeException ignored) {
            // the handshake failure is what the caller needs to see
        } finally {
            unlockOut();
        }
    }

    private void runTasks() {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
    }

    // ---- reads ------------------------------------------------------------------------------

    @Override
    protected long implReadv(ByteBuffer[] iov, List<NativeFd> fdsOut, Set<ReadFlag> flags) throws IOException {
        if (!handshakeDone && !handshakeFirst()) {
            return ERR_BLOCK;
        }
        try {
            return readPlaintext(iov, flags);
        } finally {
            updateInputBuffered();
        }
    }

    /** QEMU's tls readv: whatever plaintext is ready; reads the inner channel only when none is. */
    private long readPlaintext(ByteBuffer[] iov, Set<ReadFlag> flags) throws IOException {
        long moved = 0;
        while (true) {
            while (Iov.remaining(iov) > 0) {
                if (appIn.hasRemaining()) {
                    moved += Iov.fill(iov, appIn, appIn.remaining());
                    continue;
                }
                if (engine.isInboundDone() || !wholeRecord(netIn)) {
                    break;
                }
                long unwrapped = unwrapInto(iov);
                moved += unwrapped & DELIVERED;
                if ((unwrapped & PEER_CLOSED) != 0) {
                    replyCloseNotify();
                    break;
                }
                if (engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
                    answerPostHandshake();
                }
            }
            if (moved > 0) {
                return moved;
            }
            if (engine.isInboundDone()) {
                return EOF;
            }
            long n = fillNetIn();
            if (n == ERR_BLOCK) {
                return ERR_BLOCK;
            }
            if (n == EOF) {
                if (flags.contains(ReadFlag.RELAXED_EOF) || readShut) {
                    return EOF;
                }
                throw new TlsTruncationException(name() + ": the peer closed the connection without TLS close_notify;"
                        + " the data may have been cut short (pass ReadFlag.RELAXED_EOF to accept this end)");
            }
        }
    }

    /** In {@link #unwrapInto}'s result: the plaintext bytes that reached the caller's buffers. */
    private static final long DELIVERED = 0xFFFF_FFFFL;
    /** In {@link #unwrapInto}'s result: the record was the peer's close_notify (the engine said CLOSED). */
    private static final long PEER_CLOSED = 1L << 32;

    /**
     * Decrypts the next record: into the caller's buffers if they have room for a whole record,
     * else into {@code appIn} and from there as much as fits. Runs the tasks the engine delegates.
     *
     * @return the bytes that reached the caller ({@code & DELIVERED}; a record holds at most
     *     16 KiB), with {@link #PEER_CLOSED} set if the engine reported CLOSED. Both in one
     *     {@code long}, as a record per call would allocate on the read path.
     */
    private long unwrapInto(ByteBuffer[] iov) throws IOException {
        if (Iov.remaining(iov) >= appBufferSize) {
            int first = Iov.firstWithRemaining(iov);
            SSLEngineResult r = engine.unwrap(netIn, iov, first, Math.min(iov.length - first, Iov.IOV_MAX));
            if (r.getStatus() != Status.BUFFER_OVERFLOW) {
                return unwrapped(r, r.bytesProduced());
            }
        }
        int size = appBufferSize;
        if (appIn.capacity() < size) {
            appIn = ByteBuffer.allocate(size).flip(); // the session can grow its records after the handshake
        }
        SSLEngineResult r = unwrapToAppIn();
        return unwrapped(r, Iov.fill(iov, appIn, appIn.remaining()));
    }

    /** {@link #unwrapInto}'s result for {@code r}, once the tasks it asks for have run. */
    private long unwrapped(SSLEngineResult r, long delivered) {
        if (r.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
            runTasks();
        }
        return r.getStatus() == Status.CLOSED ? delivered | PEER_CLOSED : delivered;
    }

    /** Decrypts the next record from {@code netIn} into {@code appIn}, keeping both in read mode. */
    private SSLEngineResult unwrapToAppIn() throws SSLException {
        appIn.compact();
        try {
            return engine.unwrap(netIn, appIn);
        } finally {
            appIn.flip();
        }
    }

    /** Whether {@code b} starts with a whole TLS record, so unwrapping needs no more input. */
    private static boolean wholeRecord(ByteBuffer b) {
        int p = b.position();
        if (b.remaining() < HEADER) {
            return false;
        }
        int length = (b.get(p + 3) & 0xff) << 8 | (b.get(p + 4) & 0xff);
        return b.remaining() >= HEADER + length;
    }

    /** Reads ciphertext from the inner channel into {@code netIn}; returns as the inner read. */
    private long fillNetIn() throws IOException {
        if (!netIn.hasRemaining()) {
            netIn.clear();
        } else {
            netIn.compact();
        }
        try {
            if (!netIn.hasRemaining()) {
                ByteBuffer bigger = ByteBuffer.allocate(netIn.capacity() * 2);
                netIn.flip();
                bigger.put(netIn);
                netIn = bigger;
                netInOne[0] = netIn;
            }
            long n;
            while ((n = inner.readv(netInOne)) == ERR_BLOCK && isBlocking() && handshakeDone) {
                inner.await(IoCondition.IN);
            }
            return n;
        } finally {
            netIn.flip();
        }
    }

    private void updateInputBuffered() {
        boolean buffered = appIn.hasRemaining() || wholeRecord(netIn) || engine.isInboundDone();
        inputBuffered = buffered;
        if (buffered) {
            own.signal(); // a level watch re-polls and sees IN although the inner channel is quiet
        }
    }

    /** TLS 1.2 answers a close_notify with its own; best effort, as the peer may be gone. */
    private void replyCloseNotify() {
        if (engine.getHandshakeStatus() != HandshakeStatus.NEED_WRAP || !outLock.tryLock()) {
            return;
        }
        try {
            wrapControl();
            closeNotifySent = true;
            if (!flushOut()) {
                armFlusher();
            }
        } catch (IOException | RuntimeException ignored) {
            // the peer closed first; its close_notify already ended our reading
        } finally {
            unlockOut();
        }
    }

    /**
     * A record the engine must send after the handshake (a TLS 1.3 key update, say). The reader
     * holds outLock as a caller: in blocking mode it may wait in the inner channel for room.
     */
    private void answerPostHandshake() throws IOException {
        lockOutAsCaller();
        try {
            while (engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
                wrapControl();
            }
            if (!flushOrWait()) {
                armFlusher();
            }
        } finally {
            unlockOutAsCaller();
        }
    }

    // ---- writes -----------------------------------------------------------------------------

    /**
     * Encrypts up to four records of the caller's plaintext (64 KiB) and hands the ciphertext to
     * the inner channel. Returns the plaintext encrypted: in blocking mode once the inner channel
     * took it all; in non-blocking mode at once, and ciphertext the inner channel could not take
     * yet waits in {@code netOut}, like bytes in a socket's send buffer. A watch on the inner
     * channel pushes it out as room appears, so it goes even if the caller never writes again,
     * and OUT is reported only once it has gone. ERR_BLOCK, consuming nothing, when ciphertext
     * from before still waits.
     *
     * <p>QEMU (GnuTLS) instead returns ERR_BLOCK and has the caller retry with the same bytes,
     * because the record is already sealed; that leaves the caller's buffers claimed but
     * unconsumed, and a caller that gives up on them would see them sent anyway.
     */
    @Override
    protected long implWritev(ByteBuffer[] iov, List<NativeFd> fds, Set<WriteFlag> flags) throws IOException {
        if (!handshakeDone && !handshakeFirst()) {
            return ERR_BLOCK;
        }
        lockOutAsCaller();
        try {
            if (netOut.hasRemaining() && !flushOrWait()) {
                return ERR_BLOCK;
            }
            if (closeNotifySent || engine.isOutboundDone()) {
                throw new IOException(name() + ": TLS close_notify was sent; the session takes no more writes");
            }
            int first = Iov.firstWithRemaining(iov);
            int count = Math.min(iov.length - first, Iov.IOV_MAX);
            long consumed = 0;
            int records = 0;
            int bulk = RECORDS_PER_CALL * packetBufferSize;
            if (netOut.capacity() < bulk && Iov.remaining(iov) > appBufferSize) {
                growNetOut(bulk); // once per connection, at its first write of more than a record
            }
            netOut.compact();
            try {
                do {
                    SSLEngineResult r = engine.wrap(iov, first, count, netOut);
                    if (r.getStatus() == Status.CLOSED) {
                        throw new IOException(name() + ": the TLS session is closed for writing");
                    }
                    if (r.getStatus() == Status.BUFFER_OVERFLOW) {
                        break;
                    }
                    consumed += r.bytesConsumed();
                    records++;
                    if (r.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
                        runTasks();
                    }
                } while (records < RECORDS_PER_CALL && Iov.remaining(iov) > 0
                        && netOut.remaining() >= packetBufferSize);
            } finally {
                netOut.flip();
            }
            if (!flushOrWait()) {
                armFlusher();
            }
            return consumed;
        } finally {
            unlockOutAsCaller();
        }
    }

    /**
     * Hands {@code netOut} to the inner channel: in blocking mode all of it, waiting as needed;
     * in non-blocking mode what fits. Holds outLock.
     *
     * @return whether nothing is left
     */
    private boolean flushOrWait() throws IOException {
        while (!flushOut()) {
            if (!isBlocking()) {
                return false;
            }
            inner.await(IoCondition.OUT);
        }
        return true;
    }

    /** Hands {@code netOut} to the inner channel; false if it would block first. Holds outLock. */
    private boolean flushOut() throws IOException {
        try {
            while (netOut.hasRemaining()) {
                if (inner.writev(netOutOne) == ERR_BLOCK) {
                    return false;
                }
            }
            return true;
        } finally {
            outPending = netOut.hasRemaining();
        }
    }

    /** Starts the watch that pushes waiting ciphertext out when the inner channel has room. Holds outLock. */
    private void armFlusher() {
        if (!flusherArmed) {
            flusherArmed = true;
            inner.addWatch(Set.of(IoCondition.OUT), (ch, ready) -> !flushInBackground(), EventLoop.shared());
        }
    }

    /**
     * One push by the flusher watch, on the shared loop. Returns whether it is done: nothing left,
     * or the push failed (the next write meets the failure). After close, done also closes the
     * inner channel.
     */
    private boolean flushInBackground() {
        outLock.lock();
        boolean done = true;
        try {
            done = flushOut();
        } catch (IOException | RuntimeException failed) {
            done = true;
        } finally {
            if (done) {
                flusherArmed = false;
            }
            unlockOut();
        }
        if (done) {
            if (lingering) {
                drainInput();
                closeInnerQuietly();
            }
            own.signal(); // OUT may hold now
        }
        return done;
    }

    /**
     * For {@link Combined#poll()}: pushes waiting ciphertext without blocking, so that OUT means
     * "a write will take bytes", not merely "the inner channel has room".
     *
     * @return whether nothing is left waiting
     */
    private boolean flushFromPoll() {
        if (!outLock.tryLock()) {
            return !outPending; // a writer holds the lock and flushes itself
        }
        try {
            return flushOut();
        } catch (IOException | RuntimeException e) {
            return true; // the next write meets the failure and reports it
        } finally {
            unlockOut();
        }
    }

    /**
     * Wraps one control record (handshake, alert, close_notify) into {@code netOut}, growing it
     * if waiting ciphertext leaves no room: a close_notify must queue behind it, not be dropped.
     * Holds outLock.
     */
    private void wrapControl() throws SSLException {
        int packet = packetBufferSize;
        if (netOut.capacity() - netOut.remaining() < packet) {
            growNetOut(Math.max(netOut.remaining() + packet, 2 * netOut.capacity()));
        }
        netOut.compact();
        try {
            engine.wrap(EMPTY, netOut);
        } finally {
            netOut.flip();
        }
    }

    /** Moves the waiting ciphertext into a new {@code netOut} of {@code capacity} bytes. Holds outLock. */
    private void growNetOut(int capacity) {
        ByteBuffer bigger = ByteBuffer.allocate(capacity);
        bigger.put(netOut).flip();
        netOut = bigger;
        netOutOne[0] = bigger;
    }

    // ---- closing ----------------------------------------------------------------------------

    @Override
    public void bye() throws IOException {
        ensureOpen();
        if (!handshakeDone) {
            throw new IllegalStateException(name() + ": bye before the TLS handshake completed");
        }
        lockOutAsCaller();
        try {
            sendCloseNotify();
            while (!flushOut()) {
                inner.await(IoCondition.OUT);
            }
        } finally {
            unlockOutAsCaller();
        }
    }

    /** Queues close_notify behind any waiting ciphertext; holds outLock. */
    private void sendCloseNotify() throws SSLException {
        if (closeNotifySent) {
            return;
        }
        closeNotifySent = true;
        engine.closeOutbound();
        for (int i = 0; i < 4 && !engine.isOutboundDone(); i++) {
            wrapControl();
        }
    }

    @Override
    protected void implShutdown(Shutdown how) throws IOException {
        if (how == Shutdown.READ || how == Shutdown.BOTH) {
            readShut = true; // the inner EOF that follows is ours, not a truncation
        }
        if ((how == Shutdown.WRITE || how == Shutdown.BOTH) && handshakeDone) {
            bye();
        }
        inner.shutdown(how);
        own.signal();
    }

    @Override
    protected void implClose() throws IOException {
        boolean handedOver = false;
        try {
            handedOver = closeNotifyOrLinger();
        } finally {
            try {
                if (!handedOver) {
                    drainInput();
                    inner.close();
                }
            } finally {
                CompletableFuture<TlsChannel> pending = pendingHandshake;
                if (pending != null && !pending.isDone()) {
                    AsynchronousCloseException closed = new AsynchronousCloseException();
                    closed.initCause(new IOException(name() + ": closed during the TLS handshake"));
                    pending.completeExceptionally(closed);
                }
                own.signal();
            }
        }
    }

    /**
     * Sends what waits and close_notify without blocking the closing thread. If the inner channel
     * cannot take it now (a pipe the peer has not drained yet), it stays open, shut for reading
     * (which wakes any reader of ours), until the flusher has pushed everything out or the push
     * fails; then the flusher closes it, as a kernel finishes sending a closed socket's buffer.
     * Skipped (the inner channel closes at once, and the peer sees a truncation) before the
     * handshake, when a writer holds the session (a close meant to wake it), and where the inner
     * channel cannot be watched or shut.
     *
     * @return whether the inner channel was handed to the flusher
     */
    private boolean closeNotifyOrLinger() {
        if (!handshakeDone || closeNotifySent || !lockUnlessCallerWrites()) {
            return false;
        }
        try {
            if (innerReadiness == null) {
                sendCloseNotify(); // a hand-made inner channel: one try in its own mode
                flushOut();
                return false;
            }
            sendCloseNotify();
            if (flushOut() || !inner.hasFeature(Feature.SHUTDOWN)) {
                return false;
            }
            drainInput(); // before the read side shuts, or unread input stays to reset the socket
            inner.shutdown(Shutdown.READ);
            lingering = true;
            if (!flusherArmed) {
                armFlusher();
            }
            return true;
        } catch (IOException | RuntimeException e) {
            return false; // best effort: the inner channel is closed now
        } finally {
            unlockOut();
        }
    }

    /**
     * Takes outLock, waiting out the flusher, a poll or the handshake, but not a caller, so that
     * close never waits for a writer blocked until that close wakes it.
     *
     * @return whether it holds outLock; false if a caller holds it
     */
    private boolean lockUnlessCallerWrites() {
        closeWait.lock();
        try {
            closeWaiting = true; // before tryLock: a holder releasing after it fails sees the flag and signals
            while (!outLock.tryLock()) {
                if (callerWriting) {
                    return false;
                }
                outLockChanged.awaitUninterruptibly(); // close must work from an interrupted thread too
            }
            return true;
        } finally {
            closeWaiting = false;
            closeWait.unlock();
        }
    }

    /** Takes outLock for a caller; a close waiting for it stops waiting. */
    private void lockOutAsCaller() {
        outLock.lock();
        callerWriting = true;
        signalCloseWaiting();
    }

    private void unlockOutAsCaller() {
        callerWriting = false;
        unlockOut();
    }

    /** Releases outLock, and tells a close waiting for it. */
    private void unlockOut() {
        outLock.unlock();
        signalCloseWaiting();
    }

    private void signalCloseWaiting() {
        if (closeWaiting) { // a volatile read: the write path takes no second lock unless close waits
            closeWait.lock();
            try {
                outLockChanged.signal();
            } finally {
                closeWait.unlock();
            }
        }
    }

    /**
     * Reads and drops what the peer sent that nobody will read (in TLS 1.3 at least the server's
     * session ticket, which a client that only writes never reads). A TCP socket closed with
     * unread input sends a reset instead of a FIN, and the reset can destroy what is still in
     * flight to the peer, our close_notify included. Non-blocking, and bounded, so a peer that
     * keeps sending cannot hold the close up.
     */
    private void drainInput() {
        if (innerReadiness == null) {
            return; // a hand-made inner channel may be blocking
        }
        ByteBuffer[] scratch = {ByteBuffer.allocate(4 << 10)}; // 64 reads of it: 256 KiB at most
        try {
            for (int i = 0; i < 64; i++) {
                if (inner.readv(scratch) < 0) {
                    return; // ERR_BLOCK or EOF: nothing more is there
                }
                scratch[0].clear();
            }
        } catch (IOException | RuntimeException ignored) {
            // already failing or closed: nothing to drain
        }
    }

    private void closeInnerQuietly() {
        try {
            inner.close();
        } catch (IOException ignored) {
            // the last record is out or lost; nobody is left to tell
        }
    }

    // ---- modes, hints, readiness ------------------------------------------------------------

    @Override
    protected void implSetBlocking(boolean blocking) throws IOException {
        if (innerReadiness == null) {
            if (!blocking) {
                throw new UnsupportedOperationException(name() + ": non-blocking TLS needs to see the inner channel's readiness;"
                        + " " + inner.getClass().getName() + " does not extend dev.qio.channel.spi.AbstractIoChannel");
            }
            inner.setBlocking(true);
        }
        // otherwise the inner channel stays non-blocking; this channel's reads and writes wait on it
    }

    @Override
    protected void implSetDelay(boolean enabled) {
        inner.setDelay(enabled);
    }

    @Override
    protected void implSetCork(boolean enabled) {
        inner.setCork(enabled);
    }

    @Override
    protected Readiness readiness() {
        return readiness;
    }

    @Override
    public SSLSession session() {
        if (!handshakeDone) {
            throw new IllegalStateException(name() + ": no TLS session before the handshake completed");
        }
        return engine.getSession();
    }

    /**
     * The inner channel's readiness, amended: IN while input is buffered (QEMU's pending-data
     * source), and while the handshake runs, IN and OUT both mean "the handshake can move".
     */
    private final class Combined implements Readiness {
        private static final int IN_OUT = ConditionMask.IN | ConditionMask.OUT;
        private static final IoCondition[] CONDITIONS = IoCondition.values();

        @Override
        public Set<IoCondition> poll() {
            Set<IoCondition> now = innerReadiness.poll();
            int mask = 0;
            for (IoCondition c : CONDITIONS) {
                if (now.contains(c)) {
                    mask |= 1 << c.ordinal();
                }
            }
            if (!handshakeDone) {
                IoCondition wants = handshakeWants;
                boolean canMove = wants == null || handshakeFailure != null || now.contains(wants);
                mask = (mask & ~IN_OUT) | (canMove ? IN_OUT : 0);
            } else {
                if (inputBuffered) {
                    mask |= ConditionMask.IN;
                }
                if (outPending && (mask & ConditionMask.OUT) != 0 && !flushFromPoll()) {
                    mask &= ~ConditionMask.OUT;
                }
            }
            return ConditionMask.set(mask);
        }

        @Override
        public Registration subscribe(Set<IoCondition> interest, Runnable listener) {
            EnumSet<IoCondition> both = EnumSet.copyOf(interest);
            both.add(IoCondition.IN);
            both.add(IoCondition.OUT); // a handshake can need either, whatever the caller waits for
            Registration fromInner = innerReadiness.subscribe(both, listener);
            Registration fromUs = own.subscribe(interest, listener);
            return () -> {
                fromInner.close();
                fromUs.close();
            };
        }
    }
}

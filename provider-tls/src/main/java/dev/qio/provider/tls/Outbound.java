package dev.qio.provider.tls;

import static dev.qio.channel.IoChannel.ERR_BLOCK;

import dev.qio.channel.EventLoop;
import dev.qio.channel.Feature;
import dev.qio.channel.IoChannel;
import dev.qio.channel.IoCondition;
import dev.qio.channel.Shutdown;
import dev.qio.channel.spi.CloseAwareLock;
import dev.qio.channel.spi.InnerInput;
import dev.qio.channel.spi.Iov;
import dev.qio.channel.spi.LingeringClose;
import dev.qio.channel.spi.Readiness;
import dev.qio.channel.spi.SignalledReadiness;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Set;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLEngineResult.Status;
import javax.net.ssl.SSLException;

/**
 * The outbound records of a TLS session: {@code netOut} holds ciphertext the inner channel has
 * not taken yet (in read mode between calls), and a watch on the inner channel (the flusher)
 * pushes it out when nobody writes, so that it goes out like bytes in a socket's send buffer.
 *
 * <p>Everything here is guarded by {@link #lock}. Application writes, {@code bye} and a reader
 * answering the engine hold it as callers (they may wait in the inner channel); the flusher, a
 * poll and the handshake hold it only to push without blocking, so a close waits for them but
 * not for a caller ({@link CloseAwareLock}).
 *
 * <p>When close finds ciphertext the inner channel cannot take yet, the inner channel lingers:
 * shut for reading, handed to the flusher, which closes it once everything went or the push
 * failed.
 *
 * <p>Past 400 lines because everything guarded by the one lock stays together: splitting the
 * flusher or the close path out would hand {@code netOut} and the lock across classes.
 */
final class Outbound {
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    /** Records one write encrypts at most: 64 KiB of plaintext, one inner write in blocking mode. */
    private static final int RECORDS_PER_CALL = 4;

    private final String name;
    private final SSLEngine engine;
    private final IoChannel inner;
    /** Whether the inner channel's readiness is visible, so it is non-blocking and can be watched. */
    private final boolean watchable;
    /** The inner channel's readiness, or {@code null} when it is not visible. */
    private final Readiness innerReadiness;
    /** This channel's mode: in blocking mode callers wait on the inner channel for room. */
    private final BooleanSupplier blocking;
    /** Signalled (wakes level watches, which re-poll) when the flusher is done. */
    private final SignalledReadiness own;

    private final CloseAwareLock lock = new CloseAwareLock();

    private volatile int appBufferSize;
    private volatile int packetBufferSize;
    private ByteBuffer netOut;
    private final ByteBuffer[] netOutOne = new ByteBuffer[1];
    /** Whether {@code netOut} holds ciphertext; read by polls without the lock. */
    private volatile boolean pending;
    /** Whether the flusher watch is armed; guarded by lock. */
    private boolean flusherArmed;
    /** Set once close has handed the inner channel on (see {@link #closeNotifyOrLinger}); guarded by lock. */
    private boolean lingering;
    /** Set once the linger has the inner channel; guarded by lock. */
    private boolean lingerStarted;
    /**
     * Set by a shutdown of writes whose close_notify the inner channel could not take yet: the
     * flusher shuts the inner channel's write side once it went; guarded by lock.
     */
    private boolean shutWritesOwed;

    private volatile boolean closeNotifySent;

    Outbound(
            String name,
            SSLEngine engine,
            IoChannel inner,
            Readiness innerReadiness,
            BooleanSupplier blocking,
            SignalledReadiness own) {
        this.name = name;
        this.engine = engine;
        this.inner = inner;
        this.innerReadiness = innerReadiness;
        this.watchable = innerReadiness != null;
        this.blocking = blocking;
        this.own = own;
        this.appBufferSize = engine.getSession().getApplicationBufferSize();
        this.packetBufferSize = engine.getSession().getPacketBufferSize();
        // Two records' room to start with: SSLEngine wraps only into a record's worth of room, and
        // a handshake flight queues several small records before it goes out. The first write of
        // more than a record grows it to RECORDS_PER_CALL records, so a connection that only
        // shakes hands or carries small messages never allocates what a bulk writer needs.
        this.netOut = ByteBuffer.allocate(2 * packetBufferSize).flip();
        netOutOne[0] = netOut;
    }

    /** Takes the record sizes the handshake negotiated. */
    void sessionSized(int appBufferSize, int packetBufferSize) {
        this.appBufferSize = appBufferSize;
        this.packetBufferSize = packetBufferSize;
    }

    /** Whether ciphertext waits for the inner channel; read without the lock. */
    boolean pending() {
        return pending;
    }

    /**
     * Encrypts up to four records of the caller's plaintext (64 KiB) and hands the ciphertext to
     * the inner channel. Returns the plaintext encrypted: in blocking mode once the inner channel
     * took it all; in non-blocking mode at once, and ciphertext the inner channel could not take
     * yet waits in {@code netOut} for the flusher. ERR_BLOCK, consuming nothing, when ciphertext
     * from before still waits.
     *
     * <p>QEMU (GnuTLS) instead returns ERR_BLOCK and has the caller retry with the same bytes,
     * because the record is already sealed; that leaves the caller's buffers claimed but
     * unconsumed, and a caller that gives up on them would see them sent anyway.
     */
    long write(ByteBuffer[] iov) throws IOException {
        lock.lockAsCaller();
        try {
            if (netOut.hasRemaining() && !flushOrWait()) {
                return ERR_BLOCK;
            }
            if (closeNotifySent || engine.isOutboundDone()) {
                throw new IOException(name + ": TLS close_notify was sent; the session takes no more writes");
            }
            int bulk = RECORDS_PER_CALL * packetBufferSize;
            if (netOut.capacity() < bulk && Iov.remaining(iov) > appBufferSize) {
                grow(bulk); // once per connection, at its first write of more than a record
            }
            long consumed = wrapRecords(iov);
            if (!flushOrWait()) {
                armFlusher();
            }
            return consumed;
        } finally {
            lock.unlockAsCaller();
        }
    }

    /** Wraps up to {@link #RECORDS_PER_CALL} records of {@code iov} into {@code netOut}; the plaintext consumed. */
    private long wrapRecords(ByteBuffer[] iov) throws IOException {
        int first = Iov.firstWithRemaining(iov);
        int count = Iov.sliceLength(iov, first);
        long consumed = 0;
        int records = 0;
        netOut.compact();
        try {
            do {
                SSLEngineResult r = engine.wrap(iov, first, count, netOut);
                if (r.getStatus() == Status.CLOSED) {
                    throw new IOException(name + ": the TLS session is closed for writing");
                }
                if (r.getStatus() == Status.BUFFER_OVERFLOW) {
                    break;
                }
                consumed += r.bytesConsumed();
                records++;
                if (r.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
                    Handshake.runTasks(engine);
                }
            } while (records < RECORDS_PER_CALL && Iov.remaining(iov) > 0 && netOut.remaining() >= packetBufferSize);
        } finally {
            netOut.flip();
        }
        return consumed;
    }

    /**
     * Queues one handshake record. Queued, not sent: a flight goes out whole, in one write, when
     * the handshake next waits for the peer (or ends). Sent record by record, a later small
     * segment waits for the ACK of an earlier one (Nagle), which the peer delays while it waits
     * for the rest: 40 ms per flight on Linux loopback. The JDK's TLS 1.3 client even asks to
     * unwrap between its ChangeCipherSpec and its certificate.
     */
    void queueHandshake() throws SSLException {
        lock.lock();
        try {
            wrapControl();
        } finally {
            lock.unlock();
        }
    }

    /** Sends what is queued without blocking; false if the inner channel would block first. */
    boolean flushNow() throws IOException {
        lock.lock();
        try {
            return flush();
        } finally {
            lock.unlock();
        }
    }

    /** After a failed handshake step, lets the engine send its alert so the peer learns why; best effort. */
    void sendAlert() {
        if (!lock.tryLock()) {
            return;
        }
        try {
            for (int i = 0; i < 4 && engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP; i++) {
                wrapControl();
            }
            flush();
        } catch (IOException | RuntimeException ignored) {
            // the handshake failure is what the caller needs to see
        } finally {
            lock.unlock();
        }
    }

    /** TLS 1.2 answers a close_notify with its own; best effort, as the peer may be gone. */
    void replyCloseNotify() {
        if (engine.getHandshakeStatus() != HandshakeStatus.NEED_WRAP || !lock.tryLock()) {
            return;
        }
        try {
            wrapControl();
            closeNotifySent = true;
            if (!flush()) {
                armFlusher();
            }
        } catch (IOException | RuntimeException ignored) {
            // the peer closed first; its close_notify already ended our reading
        } finally {
            lock.unlock();
        }
    }

    /**
     * A record the engine must send after the handshake (a TLS 1.3 key update, say). The reader
     * holds the lock as a caller: in blocking mode it may wait in the inner channel for room.
     */
    void answerPostHandshake() throws IOException {
        lock.lockAsCaller();
        try {
            while (engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
                wrapControl();
            }
            if (!flushOrWait()) {
                armFlusher();
            }
        } finally {
            lock.unlockAsCaller();
        }
    }

    /**
     * {@link #answerPostHandshake} for readiness: without waiting for the lock or the inner
     * channel; what the inner channel cannot take now is left to the flusher.
     *
     * @return {@code false} if a writer holds the lock, so nothing was wrapped
     */
    boolean answerPostHandshakeFromPoll() {
        if (!lock.tryLock()) {
            return false;
        }
        try {
            while (engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
                wrapControl();
            }
            if (!flush()) {
                armFlusher();
            }
        } catch (IOException | RuntimeException e) {
            // the next write meets the failure and reports it
        } finally {
            lock.unlock();
        }
        return true;
    }

    /** Sends close_notify behind any waiting ciphertext, waiting on the inner channel until all went. */
    void bye() throws IOException {
        lock.lockAsCaller();
        try {
            queueCloseNotify();
            flushAll();
        } finally {
            lock.unlockAsCaller();
        }
    }

    /**
     * {@code shutdown(WRITE)}: close_notify queued behind any waiting ciphertext, and the inner
     * channel's write side shut once all of it went, so the peer reads close_notify and then the
     * end. Never blocks where the inner channel can be watched: what it cannot take now goes from
     * the flusher, which then shuts its write side. A hand-made inner channel is waited on in its
     * own mode, as nothing else could push the rest.
     */
    void shutWrites() throws IOException {
        lock.lockAsCaller();
        boolean shutNow;
        try {
            queueCloseNotify();
            shutNow = watchable ? flush() : flushAll();
            if (!shutNow) {
                shutWritesOwed = true;
                armFlusher();
            }
        } finally {
            lock.unlockAsCaller();
        }
        if (shutNow) {
            inner.shutdown(Shutdown.WRITE);
        }
    }

    /** Hands all of {@code netOut} to the inner channel, waiting on it as needed. Holds the lock. */
    private boolean flushAll() throws IOException {
        while (!flush()) {
            inner.await(IoCondition.OUT);
        }
        return true;
    }

    /**
     * Sends what waits and close_notify without blocking the closing thread, and hands the inner
     * channel on: to the {@link LingeringClose} once everything went (now, or from the flusher if the
     * inner channel cannot take it yet, as a kernel finishes sending a closed socket's buffer).
     * The linger keeps reading until the peer's end of stream, so that input nobody read cannot
     * make a TCP socket reset the connection under our last records.
     *
     * <p>Where a reader of ours is parked in the inner channel ({@code readerParked}), it must
     * wake: the inner channel closes at once if everything went, else its read side is shut
     * (the reader reads the end) and the flusher closes it when done, without the linger.
     * Skipped (the inner channel closes at once, and the peer sees a truncation) when a writer
     * holds the session (a close meant to wake it), and where the inner channel cannot be
     * watched or shut. The caller skips it before the handshake.
     *
     * @return whether the inner channel was handed on (to the linger or the flusher)
     */
    boolean closeNotifyOrLinger(boolean readerParked) {
        if (closeNotifySent && !pending || !lock.lockForClose()) {
            return false; // a bye or a shutdown of writes sent everything already
        }
        boolean lingerNow = false;
        try {
            queueCloseNotify(); // unless a shutdown of writes queued it, which the flusher still pushes
            if (!watchable) {
                flush(); // a hand-made inner channel: one try in its own mode
                return false;
            }
            boolean sent = flush();
            if (!inner.hasFeature(Feature.SHUTDOWN) || (sent && readerParked)) {
                return false;
            }
            if (readerParked) {
                // before the read side shuts, or unread input stays to reset the socket
                InnerInput.dropUnread(inner, innerReadiness);
                inner.shutdown(Shutdown.READ);
            }
            lingering = true;
            if (sent) {
                lingerNow = takeLinger();
            } else {
                armFlusher();
            }
            return true;
        } catch (IOException | RuntimeException e) {
            return false; // best effort: the inner channel is closed now
        } finally {
            lock.unlock();
            if (lingerNow) {
                LingeringClose.start(inner);
            }
        }
    }

    /**
     * Whether the caller starts the linger: once close handed the inner channel on and nothing
     * waits to be sent, and only once, as a flusher turn and the close may both get here. Holds
     * the lock.
     */
    private boolean takeLinger() {
        if (!lingering || lingerStarted) {
            return false;
        }
        lingerStarted = true;
        return true;
    }

    /** Queues close_notify behind any waiting ciphertext; holds the lock. */
    private void queueCloseNotify() throws SSLException {
        if (closeNotifySent) {
            return;
        }
        closeNotifySent = true;
        engine.closeOutbound();
        for (int i = 0; i < 4 && !engine.isOutboundDone(); i++) {
            wrapControl();
        }
    }

    /**
     * For a poll: pushes waiting ciphertext without blocking, so that OUT means "a write will
     * take bytes", not merely "the inner channel has room".
     *
     * @return whether nothing is left waiting
     */
    boolean flushFromPoll() {
        if (!lock.tryLock()) {
            return !pending; // a writer holds the lock and flushes itself
        }
        try {
            return flush();
        } catch (IOException | RuntimeException e) {
            return true; // the next write meets the failure and reports it
        } finally {
            lock.unlock();
        }
    }

    /**
     * Hands {@code netOut} to the inner channel: in blocking mode all of it, waiting as needed;
     * in non-blocking mode what fits. Holds the lock.
     *
     * @return whether nothing is left
     */
    private boolean flushOrWait() throws IOException {
        while (!flush()) {
            if (!blocking.getAsBoolean()) {
                return false;
            }
            inner.await(IoCondition.OUT);
        }
        return true;
    }

    /** Hands {@code netOut} to the inner channel; false if it would block first. Holds the lock. */
    private boolean flush() throws IOException {
        try {
            while (netOut.hasRemaining()) {
                if (inner.writev(netOutOne) == ERR_BLOCK) {
                    return false;
                }
            }
            return true;
        } finally {
            pending = netOut.hasRemaining();
        }
    }

    /** Starts the watch that pushes waiting ciphertext out when the inner channel has room. Holds the lock. */
    private void armFlusher() {
        if (!flusherArmed) {
            flusherArmed = true;
            inner.addWatch(Set.of(IoCondition.OUT), (ch, ready) -> !flushInBackground(), EventLoop.shared());
        }
    }

    /**
     * One push by the flusher watch, on the shared loop. Returns whether it is done: nothing left,
     * or the push failed (the next write meets the failure). After close, done also starts the
     * linger, which closes the inner channel.
     */
    private boolean flushInBackground() {
        lock.lock();
        boolean done = true;
        boolean lingerNow = false;
        boolean shutNow = false;
        try {
            done = flush();
        } catch (IOException | RuntimeException failed) {
            done = true;
        } finally {
            if (done) {
                flusherArmed = false;
                // Under the lock: a close that hands the inner channel on after this turn emptied
                // netOut queues close_notify behind it, and this turn must not start the linger.
                lingerNow = takeLinger();
                shutNow = shutWritesOwed && !lingerNow; // the linger shuts the write side itself
                shutWritesOwed = false;
            }
            lock.unlock();
        }
        if (done) {
            if (lingerNow) {
                LingeringClose.start(inner);
            } else if (shutNow) {
                shutInnerWrites();
            }
            own.signal(); // OUT may hold now
        }
        return done;
    }

    /** The write side of the inner channel, from the flusher; a failure is the inner channel's own, met later. */
    private void shutInnerWrites() {
        try {
            inner.shutdown(Shutdown.WRITE);
        } catch (IOException | RuntimeException e) {
            // closed or failing meanwhile: the peer gets what the failure leaves
        }
    }

    /**
     * Wraps one control record (handshake, alert, close_notify) into {@code netOut}, growing it
     * if waiting ciphertext leaves no room: a close_notify must queue behind it, not be dropped.
     * Holds the lock.
     */
    private void wrapControl() throws SSLException {
        int packet = packetBufferSize;
        if (netOut.capacity() - netOut.remaining() < packet) {
            grow(Math.max(netOut.remaining() + packet, 2 * netOut.capacity()));
        }
        netOut.compact();
        try {
            engine.wrap(EMPTY, netOut);
        } finally {
            netOut.flip();
        }
    }

    /** Moves the waiting ciphertext into a new {@code netOut} of {@code capacity} bytes. Holds the lock. */
    private void grow(int capacity) {
        ByteBuffer bigger = ByteBuffer.allocate(capacity);
        bigger.put(netOut).flip();
        netOut = bigger;
        netOutOne[0] = bigger;
    }
}

package dev.qio.provider.ws;

import dev.qio.channel.EventLoop;
import dev.qio.channel.IoChannel;
import dev.qio.channel.IoCondition;
import dev.qio.channel.spi.Iov;
import dev.qio.channel.spi.LingeringClose;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * The sending half of the frame codec: data frames from the caller's buffers, control frames
 * (pong, close) from whichever thread needs one, and the bytes the inner channel has not taken.
 *
 * <h2>Buffer and lock</h2>
 * {@code out} holds framed bytes the inner channel has not taken yet, always whole frames' tails,
 * so a control frame can queue behind it; it stays in read mode between calls. It and the mask
 * generator belong to {@code lock}. A reader that must answer a ping does not wait for a writer:
 * it leaves the frame in the control slots (guarded by {@code this}) and the lock's holder sends it
 * on release.
 *
 * <h2>Copies</h2>
 * A server sends a frame's header and the caller's buffers in one gathering write, copying only
 * what the inner channel did not take (non-blocking mode). A client must mask, so it copies the
 * payload once into {@code out} and masks it there.
 *
 * <p>Past 400 lines because everything guarded by the one close-aware lock stays together: data
 * frames, the control frames the reader queues, the flusher and the close and linger path all
 * move {@code out} under it, as in {@code tls+}'s outbound records.
 */
final class Outbound {
    /** Caller buffers one gathering write passes on; a longer iov is copied instead. */
    private static final int GATHER_MAX = 8;

    private final IoChannel inner;
    private final boolean client;
    /** Whether waiting on the inner channel is possible (its readiness is visible). */
    private final boolean waitable;

    private final String name;
    /** Tells the channel's readiness that OUT may have changed. */
    private final Runnable changed;
    /** Closes the inner channel once it took everything, where {@link #closeOrLinger} said it must not linger. */
    private final Runnable drained;

    private final ReentrantLock lock = new ReentrantLock();
    private ByteBuffer out = ByteBuffer.allocateDirect(1024).flip();
    private final ByteBuffer[] outOne = {out};
    private final ByteBuffer header = ByteBuffer.allocateDirect(Frames.MAX_HEADER);
    /** Gathering arrays by the number of caller buffers, made on first use. */
    private final ByteBuffer[][] gathers = new ByteBuffer[GATHER_MAX + 1][];
    /** Mask keys: a fast generator seeded from SecureRandom per connection (section 10.3). */
    private final RandomGenerator masks;

    /** Whether {@code out} holds bytes; read by polls without the lock. */
    private volatile boolean pending;

    private final AtomicBoolean flusherArmed = new AtomicBoolean();
    /** Set by a flusher turn that found the lock taken: the holder arms the flusher again as it lets go. */
    private volatile boolean flushOwed;
    /** Set once close handed the inner channel on; guarded by the lock. */
    private boolean lingering;
    /** With {@link #lingering}: whether the inner channel then lingers (else it just closes); guarded by the lock. */
    private boolean lingerAfter;
    /** Set once the inner channel was passed to its end (linger or close); guarded by the lock. */
    private boolean ended;
    /** Whether a caller (not the flusher or a poll) holds the lock: close does not wait for one. */
    private volatile boolean callerWriting;

    /** A pong to send, or {@code null}; guarded by {@code this}. Only the latest ping is answered (section 5.5.3). */
    private byte[] pongSlot;
    /** A close payload to send, or {@code null}; guarded by {@code this}. */
    private byte[] closeSlot;

    private volatile boolean slotsFull;
    /** Whether a close frame was queued: no data frame may follow it (section 5.5.1). */
    private volatile boolean closeQueued;

    Outbound(IoChannel inner, boolean client, boolean waitable, String name, Runnable changed, Runnable drained) {
        this.inner = inner;
        this.client = client;
        this.waitable = waitable;
        this.name = name;
        this.changed = changed;
        this.drained = drained;
        this.masks =
                client ? RandomGeneratorFactory.of("L64X128MixRandom").create(new SecureRandom().nextLong()) : null;
    }

    boolean isPending() {
        return pending;
    }

    boolean closeQueued() {
        return closeQueued;
    }

    // ---- data -------------------------------------------------------------------------------

    /**
     * Sends one binary frame of up to {@code max} bytes from {@code iov}. In blocking mode it
     * returns once the inner channel took the whole frame; in non-blocking mode what the inner
     * channel did not take waits in {@code out}, and a watch pushes it out.
     *
     * @return the payload bytes taken, or ERR_BLOCK (nothing taken) while earlier bytes still wait
     */
    long writeData(ByteBuffer[] iov, int max, boolean blocking) throws IOException {
        lockAsCaller();
        try {
            takeSlots();
            if (closeQueued) { // checked after takeSlots, which may just have queued a reader's close
                throw new IOException(name + ": a WebSocket close frame was sent; no more data may follow it");
            }
            if (!flush(blocking)) {
                armFlusher();
                return IoChannel.ERR_BLOCK;
            }
            int n = (int) Math.min(Iov.remaining(iov), max);
            if (client || !gather(iov, n, blocking)) {
                frameInto(iov, n);
            }
            if (!flush(blocking)) {
                armFlusher();
            }
            return n;
        } finally {
            unlockAsCaller();
        }
    }

    /**
     * The server's path: the header and the caller's buffers in one gathering write, the last
     * buffer's limit cut to the frame's end meanwhile. What the inner channel does not take
     * (non-blocking) is copied into {@code out}, consuming it from the caller's buffers.
     *
     * @return false, having written nothing, if the iov is too long for a gathering array
     */
    private boolean gather(ByteBuffer[] iov, int n, boolean blocking) throws IOException {
        int first = Iov.firstWithRemaining(iov);
        int last = first;
        long before = 0;
        while (before + iov[last].remaining() < n) {
            before += iov[last++].remaining();
        }
        int count = last - first + 1;
        if (count > GATHER_MAX) {
            return false;
        }
        ByteBuffer[] g = gathers[count];
        if (g == null) {
            g = gathers[count] = new ByteBuffer[count + 1];
        }
        header.clear();
        Frames.putHeader(header, Frames.BINARY, n, false, 0);
        g[0] = header.flip();
        System.arraycopy(iov, first, g, 1, count);
        ByteBuffer cut = iov[last];
        int limit = cut.limit();
        cut.limit(cut.position() + (int) (n - before));
        try {
            while (g[count].hasRemaining()) {
                if (inner.writev(g) == IoChannel.ERR_BLOCK) {
                    if (!blocking) {
                        keep(g);
                        break;
                    }
                    inner.await(IoCondition.OUT);
                }
            }
        } finally {
            cut.limit(limit);
            java.util.Arrays.fill(g, null); // hold no caller buffer between calls
        }
        return true;
    }

    /** Copies the rest of a gathered frame into {@code out}. Holds the lock; {@code out} is empty. */
    private void keep(ByteBuffer[] g) {
        ensureRoom((int) Iov.remaining(g));
        out.compact();
        for (ByteBuffer b : g) {
            out.put(b);
        }
        out.flip();
    }

    /** Frames {@code n} bytes of {@code iov} into {@code out}, masked on a client. Holds the lock. */
    private void frameInto(ByteBuffer[] iov, int n) {
        ensureRoom(Frames.MAX_HEADER + n);
        out.compact();
        int key = client ? masks.nextInt() : 0;
        Frames.putHeader(out, Frames.BINARY, n, client, key);
        if (client) {
            maskInto(iov, n, key);
        } else {
            Iov.drain(iov, out, n);
        }
        out.flip();
    }

    /** Copies {@code n} bytes of {@code iov} into {@code out}, masked, consuming them. Holds the lock. */
    private void maskInto(ByteBuffer[] iov, int n, int key) {
        int done = 0;
        for (int i = Iov.firstWithRemaining(iov); done < n; i++) {
            ByteBuffer b = iov[i];
            int chunk = Math.min(b.remaining(), n - done);
            Frames.maskCopy(b, b.position(), out, out.position(), chunk, key, done);
            b.position(b.position() + chunk);
            out.position(out.position() + chunk);
            done += chunk;
        }
    }

    /** Makes room for {@code more} bytes behind what waits in {@code out}; grows it once for bulk writes. Holds the lock. */
    private void ensureRoom(int more) {
        if (out.capacity() - out.remaining() < more) {
            ByteBuffer bigger = ByteBuffer.allocateDirect(Math.max(out.remaining() + more, 2 * out.capacity()));
            bigger.put(out).flip();
            out = bigger;
            outOne[0] = bigger;
        }
    }

    // ---- handshake bytes and control frames -------------------------------------------------

    /** Queues an HTTP head (the upgrade) and pushes it without blocking; true if all of it went. */
    boolean sendRaw(String head) throws IOException {
        byte[] bytes = head.getBytes(StandardCharsets.ISO_8859_1);
        lock.lock();
        try {
            ensureRoom(bytes.length);
            out.compact().put(bytes).flip();
            return flush(false);
        } finally {
            unlock();
        }
    }

    /** Pushes what waits without blocking; true if nothing is left. */
    boolean flushNow() throws IOException {
        lock.lock();
        try {
            return flush(false);
        } finally {
            unlock();
        }
    }

    /** Answers a ping; never blocks (a writer holding the lock sends it when it lets go). */
    void pong(ByteBuffer payload) {
        byte[] copy = new byte[payload.remaining()];
        payload.get(copy);
        synchronized (this) {
            pongSlot = copy;
            slotsFull = true;
        }
        trySlots();
    }

    /**
     * Queues a close frame with {@code code} and {@code reason} (cut to fit 125 bytes), once; no
     * data frame may follow. Never blocks.
     */
    void close(int code, String reason) {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        int length = Math.min(text.length, Frames.MAX_CONTROL_PAYLOAD - 2);
        while (length > 0 && length < text.length && (text[length] & 0xC0) == 0x80) {
            length--; // do not cut a character in two: the peer checks the reason's UTF-8
        }
        ByteBuffer payload =
                ByteBuffer.allocate(2 + length).putShort((short) code).put(text, 0, length);
        synchronized (this) {
            if (closeQueued) {
                return;
            }
            closeQueued = true;
            closeSlot = payload.array();
            slotsFull = true;
        }
        trySlots();
    }

    /** Sends what the slots hold if the lock is free now; otherwise its holder does on release. */
    private void trySlots() {
        if (!lock.tryLock()) {
            return;
        }
        try {
            takeSlots();
            if (!flush(false)) {
                armFlusher();
            }
        } catch (IOException | RuntimeException e) {
            // the peer is gone or going; the reader or writer that comes next meets the failure
        } finally {
            unlock();
        }
    }

    /** Moves the slots' frames into {@code out}, pong first. Holds the lock. */
    private void takeSlots() {
        byte[] pongPayload;
        byte[] closePayload;
        synchronized (this) {
            pongPayload = pongSlot;
            closePayload = closeSlot;
            pongSlot = null;
            closeSlot = null;
            slotsFull = false;
        }
        if (pongPayload != null) {
            controlInto(Frames.PONG, pongPayload);
        }
        if (closePayload != null) {
            controlInto(Frames.CLOSE, closePayload);
        }
    }

    private void controlInto(int opcode, byte[] payload) {
        ensureRoom(Frames.MAX_HEADER + payload.length);
        out.compact();
        int key = client ? masks.nextInt() : 0;
        Frames.putHeader(out, opcode, payload.length, client, key);
        int at = out.position();
        out.put(payload);
        if (client) {
            Frames.mask(out, at, payload.length, key, 0);
        }
        out.flip();
    }

    // ---- pushing ----------------------------------------------------------------------------

    /** Hands {@code out} to the inner channel, waiting in blocking mode; true if nothing is left. Holds the lock. */
    private boolean flush(boolean blocking) throws IOException {
        try {
            while (out.hasRemaining()) {
                if (inner.writev(outOne) == IoChannel.ERR_BLOCK) {
                    if (!blocking || !waitable) {
                        return false;
                    }
                    inner.await(IoCondition.OUT);
                }
            }
            return true;
        } finally {
            pending = out.hasRemaining();
        }
    }

    /** Starts the watch that pushes {@code out} when the inner channel has room, unless one runs. */
    private void armFlusher() {
        if (waitable && pending && flusherArmed.compareAndSet(false, true)) {
            inner.addWatch(Set.of(IoCondition.OUT), (ch, ready) -> !flushInBackground(), EventLoop.shared());
        }
    }

    /**
     * One push by the flusher watch on the shared loop, which it must never block. If a caller
     * holds the lock, the watch ends and the caller's {@link #unlock()} arms it again: a watch
     * that stayed would fire again at once while the inner channel has room, spinning the loop
     * for as long as the caller holds on. Returns whether it is done.
     */
    private boolean flushInBackground() {
        if (!lock.tryLock()) {
            flusherArmed.set(false); // first, so that the holder's re-arm can take it
            flushOwed = true;
            if (!lock.tryLock()) {
                return true; // the holder had not let go when it could miss flushOwed: it re-arms
            }
            flushOwed = false;
            if (!flusherArmed.compareAndSet(false, true)) {
                unlock(); // the holder re-armed meanwhile: that watch pushes
                return true;
            }
        }
        boolean done = true;
        boolean endNow = false;
        try {
            takeSlots();
            done = flush(false);
        } catch (IOException | RuntimeException failed) {
            done = true; // the next write meets the failure
        } finally {
            if (done) {
                flusherArmed.set(false);
                // Under the lock: a close that hands the inner channel on after this turn emptied
                // out queues its close frame behind it, and this turn must not end the channel.
                endNow = takeEnd();
            }
            unlock();
        }
        if (done) {
            if (endNow) {
                end();
            }
            changed.run();
        }
        return done;
    }

    /** For the channel's poll: pushes without blocking, so OUT means a write will take bytes. */
    boolean flushFromPoll() {
        if (!lock.tryLock()) {
            return !pending;
        }
        try {
            return flush(false);
        } catch (IOException | RuntimeException e) {
            return true; // the next write meets the failure and reports it
        } finally {
            unlock();
        }
    }

    // ---- closing ----------------------------------------------------------------------------

    /**
     * Sends a close frame (when {@code frame}) behind what waits, without blocking, and hands the
     * inner channel on once everything went (now, or from the flusher): to a
     * {@link LingeringClose} where {@code linger}, which keeps reading until the peer's end so
     * that input nobody read cannot make a TCP socket reset the connection under our close
     * frame; else to {@code drained}, which closes it. Where everything went at once and the
     * inner channel may not linger, returns false: the caller closes it. Gives up (returns false)
     * when a caller holds the lock, since that caller may be blocked until this close wakes it.
     *
     * @param linger whether the inner channel may linger: it can shut down, and no reader of ours
     *     is parked in it
     * @return whether the inner channel was handed on
     */
    boolean closeOrLinger(boolean frame, boolean linger) {
        if (!lockUnlessCallerWrites()) {
            return false;
        }
        boolean endNow = false;
        boolean armNow = false;
        try {
            if (frame) {
                close(Frames.NORMAL, "");
            }
            takeSlots();
            boolean sent = flush(false);
            if (!waitable || (sent && !linger)) {
                return false;
            }
            lingering = true;
            lingerAfter = linger;
            endNow = sent && takeEnd();
            armNow = !sent;
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        } finally {
            unlock();
            if (endNow) {
                end();
            } else if (armNow) {
                armFlusher();
            }
        }
    }

    /** Whether the caller passes the inner channel to its end: once handed on and nothing waits; once. Holds the lock. */
    private boolean takeEnd() {
        if (!lingering || ended) {
            return false;
        }
        ended = true;
        return true;
    }

    /** Passes the inner channel to its end, as {@link #closeOrLinger} was told; without the lock. */
    private void end() {
        if (lingerAfter) {
            LingeringClose.start(inner);
        } else {
            drained.run();
        }
    }

    /** Takes the lock unless a caller holds it; the flusher or a poll hold it only briefly. */
    private boolean lockUnlessCallerWrites() {
        try {
            while (!lock.tryLock(1, TimeUnit.MILLISECONDS)) {
                if (callerWriting) {
                    return false;
                }
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // close works from an interrupted thread; keep the flag
            return lock.tryLock();
        }
    }

    private void lockAsCaller() {
        lock.lock();
        callerWriting = true;
    }

    private void unlockAsCaller() {
        callerWriting = false;
        unlock();
    }

    /**
     * Releases the lock, then sends what readers left in the slots meanwhile, and arms the
     * flusher again if it found the lock taken.
     */
    private void unlock() {
        lock.unlock();
        if (slotsFull) {
            trySlots();
        }
        if (flushOwed) {
            flushOwed = false;
            armFlusher();
        }
    }
}

package dev.qio.provider.tls;

import static dev.qio.channel.IoChannel.EOF;
import static dev.qio.channel.IoChannel.ERR_BLOCK;

import dev.qio.channel.IoChannel;
import dev.qio.channel.spi.InnerInput;
import dev.qio.channel.spi.InnerReaderGate;
import dev.qio.channel.spi.Iov;
import dev.qio.channel.spi.Readiness;
import dev.qio.channel.spi.SignalledReadiness;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLEngineResult.Status;
import javax.net.ssl.SSLException;

/**
 * The inbound records of a TLS session: ciphertext read from the inner channel ({@code netIn})
 * and plaintext decrypted but not yet delivered ({@code appIn}). Both stay in read mode between
 * calls (position to limit is what is pending) and belong to the reading side: the channel's
 * read lock, or the handshake's lock while it runs. Reads big enough for a whole record decrypt
 * straight into the caller's buffers, skipping {@code appIn}.
 *
 * <p>What the engine must send while reading (a TLS 1.2 close_notify reply, a TLS 1.3 key
 * update) goes through {@link Outbound}.
 */
final class Inbound {
    /** TLS record header: type, version (2), length (2). */
    private static final int HEADER = 5;
    /** In {@link #unwrapInto}'s result: the plaintext bytes that reached the caller's buffers. */
    private static final long DELIVERED = 0xFFFF_FFFFL;
    /** In {@link #unwrapInto}'s result: the record was the peer's close_notify (the engine said CLOSED). */
    private static final long PEER_CLOSED = 1L << 32;
    /** For {@link #fill(BooleanSupplier)}: never wait. */
    private static final BooleanSupplier NEVER = () -> false;

    private final String name;
    private final SSLEngine engine;
    private final IoChannel inner;
    /** The inner channel's readiness, or {@code null} when it is not visible (then nothing reads ahead). */
    private final Readiness innerReadiness;

    private final Outbound outbound;
    /** Whether a read that meets ERR_BLOCK waits on the inner channel (blocking mode, after the handshake). */
    private final BooleanSupplier waits;
    /** Signalled (wakes level watches, which re-poll) when input becomes buffered. */
    private final SignalledReadiness own;

    /** The session's plaintext record size; set again once the handshake has negotiated it. */
    private volatile int appBufferSize;

    private ByteBuffer netIn;
    private ByteBuffer appIn;
    private final ByteBuffer[] netInOne = new ByteBuffer[1];
    /** {@link #buffered()}. */
    private volatile boolean buffered;
    /** {@link #ready()}. */
    private volatile boolean ready;
    /** Where a blocking reader parks in the inner channel, so that a close knows to wake it. */
    private final InnerReaderGate gate = new InnerReaderGate();
    /** Set by shutdown(READ): the inner channel's end of stream that follows is ours, not a truncation. */
    private volatile boolean shut;
    /** The inner channel's end of stream, met by {@link #readAhead}; the next {@link #fill} returns it. */
    private boolean innerEnded;
    /** What {@link #readAhead} met, thrown by the next {@link #read}; sticky, as the session is over. */
    private Exception failure; // an IOException or a RuntimeException
    /** {@link #aheadSaysIn()}; written under the read lock by {@link #readAhead}. */
    private boolean aheadSaysIn;
    /** Set by {@link #readAhead} when it could not send the record the engine owes (a key update); the next read does. */
    private boolean answerOwed;

    Inbound(
            String name,
            SSLEngine engine,
            IoChannel inner,
            Readiness innerReadiness,
            Outbound outbound,
            BooleanSupplier waits,
            SignalledReadiness own) {
        this.name = name;
        this.engine = engine;
        this.inner = inner;
        this.innerReadiness = innerReadiness;
        this.outbound = outbound;
        this.waits = waits;
        this.own = own;
        this.appBufferSize = engine.getSession().getApplicationBufferSize();
        this.netIn = ByteBuffer.allocate(2 * engine.getSession().getPacketBufferSize())
                .flip();
        this.appIn = ByteBuffer.allocate(appBufferSize).flip();
        netInOne[0] = netIn;
    }

    /** Makes the inner channel's coming end of stream an end of stream here too; see {@link #read}. */
    void shut() {
        shut = true;
    }

    /** Takes the record size the handshake negotiated. */
    void sessionSized(int appBufferSize) {
        this.appBufferSize = appBufferSize;
    }

    /**
     * QEMU's tls readv: whatever plaintext is ready; reads the inner channel only when none is.
     *
     * @param relaxedEof whether the inner channel's end of stream without close_notify is an end
     *     of stream here too, rather than a {@link TlsTruncationException}; after {@link #shut()}
     *     it always is
     */
    long read(ByteBuffer[] iov, boolean relaxedEof) throws IOException {
        if (failure instanceof IOException e) {
            throw e;
        } else if (failure instanceof RuntimeException e) {
            throw e;
        }
        if (answerOwed) {
            answerOwed = false;
            outbound.answerPostHandshake();
        }
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
                    outbound.replyCloseNotify();
                    break;
                }
                if (engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
                    outbound.answerPostHandshake();
                }
            }
            if (moved > 0) {
                return moved;
            }
            if (engine.isInboundDone()) {
                return EOF;
            }
            long n = fill();
            if (n == ERR_BLOCK) {
                return ERR_BLOCK;
            }
            if (n == EOF) {
                if (relaxedEof || shut) { // shut is read now: a shutdown(READ) may have woken this read
                    return EOF;
                }
                throw new TlsTruncationException(name + ": the peer closed the connection without TLS close_notify;"
                        + " the data may have been cut short (pass ReadFlag.RELAXED_EOF to accept this end)");
            }
        }
    }

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
            SSLEngineResult r = engine.unwrap(netIn, iov, first, Iov.sliceLength(iov, first));
            if (r.getStatus() != Status.BUFFER_OVERFLOW) {
                return unwrapped(r, r.bytesProduced());
            }
        }
        SSLEngineResult r = unwrapToSizedAppIn();
        return unwrapped(r, Iov.fill(iov, appIn, appIn.remaining()));
    }

    /** {@link #unwrapToAppIn}, growing {@code appIn} first if the session's records grew after the handshake. */
    private SSLEngineResult unwrapToSizedAppIn() throws SSLException {
        if (appIn.capacity() < appBufferSize) {
            appIn = ByteBuffer.allocate(appBufferSize).flip();
        }
        return unwrapToAppIn();
    }

    /**
     * For readiness, under the read lock and without waiting: reads what the inner channel has
     * and decrypts whole records into {@code appIn} until plaintext, the peer's close_notify, the
     * inner end of stream or a failure is here, so that IN is reported for those and not for
     * ciphertext that carries no data (a TLS 1.3 session ticket, a record the transport split).
     * A failure is kept for the next {@link #read}; nothing here throws.
     *
     * <p>Its answer, for the poll that called it: {@link #aheadSaysIn()}.
     */
    void readAhead() {
        aheadSaysIn = readAheadOnce();
    }

    /**
     * What the last {@link #readAhead} found: whether a read would return without the inner
     * channel, or the inner channel kept blocking while its readiness said IN (then IN is
     * over-reported rather than missed). Read by the thread that ran it.
     */
    boolean aheadSaysIn() {
        return aheadSaysIn;
    }

    private boolean readAheadOnce() {
        int blocks = 0;
        try {
            while (failure == null && !innerEnded && !appIn.hasRemaining() && !engine.isInboundDone()) {
                if (!wholeRecord(netIn)) {
                    long n = fill(NEVER);
                    if (n == ERR_BLOCK) {
                        InnerInput.Block b = InnerInput.afterBlock(innerReadiness, ++blocks);
                        if (b == InnerInput.Block.EMPTY) {
                            break;
                        }
                        if (b == InnerInput.Block.UNKNOWN) {
                            return true; // over-report IN rather than miss it
                        }
                        continue;
                    }
                    blocks = 0;
                    innerEnded = n == EOF;
                    continue;
                }
                long unwrapped = unwrapped(unwrapToSizedAppIn(), 0);
                if ((unwrapped & PEER_CLOSED) != 0) {
                    outbound.replyCloseNotify();
                } else if (engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP
                        && !outbound.answerPostHandshakeFromPoll()) {
                    answerOwed = true; // a writer holds the outbound side: the next read answers
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            failure = e;
        }
        updateBuffered();
        return ready;
    }

    /** {@link #unwrapInto}'s result for {@code r}, once the tasks it asks for have run. */
    private long unwrapped(SSLEngineResult r, long delivered) {
        if (r.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
            Handshake.runTasks(engine);
        }
        return r.getStatus() == Status.CLOSED ? delivered | PEER_CLOSED : delivered;
    }

    /** Decrypts the next record from {@code netIn} into {@code appIn}, keeping both in read mode. */
    SSLEngineResult unwrapToAppIn() throws SSLException {
        appIn.compact();
        try {
            return engine.unwrap(netIn, appIn);
        } finally {
            appIn.flip();
        }
    }

    /** Whether {@code b} starts with a whole TLS record, so unwrapping needs no more input. */
    static boolean wholeRecord(ByteBuffer b) {
        int p = b.position();
        if (b.remaining() < HEADER) {
            return false;
        }
        int length = (b.get(p + 3) & 0xff) << 8 | (b.get(p + 4) & 0xff);
        return b.remaining() >= HEADER + length;
    }

    /**
     * Reads ciphertext from the inner channel into {@code netIn}; returns as the inner read. Waits
     * on ERR_BLOCK when the channel's {@code waits} says so.
     */
    long fill() throws IOException {
        return fill(waits);
    }

    private long fill(BooleanSupplier wait) throws IOException {
        if (innerEnded) {
            return EOF; // read ahead met it; a socket reset once may read as EOF the second time
        }
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
            while ((n = inner.readv(netInOne)) == ERR_BLOCK && wait.getAsBoolean()) {
                gate.await(inner);
            }
            return n;
        } finally {
            netIn.flip();
        }
    }

    /**
     * For a close: from now on no reader parks in the inner channel.
     *
     * @return whether a reader is parked there now, which the caller must wake
     */
    boolean closing() {
        return gate.closing();
    }

    /** Records whether input is buffered, for readiness; called by the reading side after each read. */
    void updateBuffered() {
        boolean ready = appIn.hasRemaining() || engine.isInboundDone() || innerEnded || failure != null || answerOwed;
        boolean now = ready || wholeRecord(netIn);
        this.ready = ready;
        buffered = now;
        if (now) {
            own.signal(); // a level watch re-polls and sees IN although the inner channel is quiet
        }
    }

    /**
     * Whether input is buffered: {@link #ready()}, or a whole record that may decrypt to data or
     * to nothing. Read by readiness without a lock.
     */
    boolean buffered() {
        return buffered;
    }

    /**
     * Whether a read would return at once with data, an end of stream or a failure, without the
     * inner channel. Read by readiness without a lock.
     */
    boolean ready() {
        return ready;
    }
}

package org.example.qio.gzip;

import dev.qio.channel.Feature;
import dev.qio.channel.IoChannel;
import dev.qio.channel.IoCondition;
import dev.qio.channel.NativeFd;
import dev.qio.channel.ReadFlag;
import dev.qio.channel.Shutdown;
import dev.qio.channel.WriteFlag;
import dev.qio.channel.spi.AbstractIoChannel;
import dev.qio.channel.spi.Readiness;
import dev.qio.channel.spi.SignalledReadiness;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * A gzip stream (RFC 1952) over an inner {@link IoChannel}.
 *
 * <p><b>Writing</b> compresses into one gzip member: the 10-byte header goes out with the first
 * write, every {@code writev} ends with a sync flush (so the peer can decompress everything written
 * so far without waiting for the end), and {@code shutdown(WRITE)} or {@code close()} write the
 * trailer (CRC-32 and ISIZE). A channel that never wrote writes nothing at {@code close()} (so a
 * read-only inner channel is never written), but {@code shutdown(WRITE)} always ends the stream,
 * with an empty member if nothing was written.
 *
 * <p><b>Reading</b> decompresses: it parses each member's header (FEXTRA, FNAME, FCOMMENT, FHCRC
 * are skipped), inflates, and checks the trailer's CRC-32 and length. Several concatenated members
 * read as one stream, as with {@code gzip -dc}. An inner channel that is at end of stream before
 * its first byte reads as an empty stream; one that ends anywhere inside a member, a bad header,
 * corrupt deflate data or a trailer mismatch is an {@link IOException} naming this channel.
 *
 * <p><b>Blocking mode only.</b> A read may need several inner reads before it can produce a byte,
 * and a write produces compressed bytes that must all reach the inner channel, so this version
 * refuses {@code setBlocking(false)}. Its {@link #readiness()} therefore reports IN and OUT
 * always (as {@code file:} does): in blocking mode a read or write waits for the inner channel
 * itself, and {@code await} is never needed.
 *
 * <p><b>Features:</b> SHUTDOWN and CONCURRENT_IO, each if the inner channel has it. The read
 * state and the write state are separate, so one read and one write may run at once.
 * {@code shutdown(WRITE)} writes the trailer and may therefore block while the inner channel is
 * full.
 */
final class GzipChannel extends AbstractIoChannel {
    private static final int ID1 = 0x1f, ID2 = 0x8b, CM_DEFLATE = 8;
    private static final int FHCRC = 2, FEXTRA = 4, FNAME = 8, FCOMMENT = 16, FRESERVED = 0xe0;
    private static final int CHUNK = 64 << 10;
    private static final byte[] NO_BYTES = new byte[0];

    private final IoChannel inner;
    private final Readiness readiness = SignalledReadiness.always(EnumSet.of(IoCondition.IN, IoCondition.OUT));

    // ---- write side, guarded by writeState ----
    private final ReentrantLock writeState = new ReentrantLock();
    private final Deflater deflater = new Deflater(Deflater.BEST_SPEED, true);
    private final CRC32 writeCrc = new CRC32();
    private final ByteBuffer deflated = ByteBuffer.allocate(CHUNK);
    private boolean headerWritten;
    private boolean finished;
    private long writtenTotal;

    // ---- read side, guarded by the base's read lock (reads are serialised) ----
    private final Inflater inflater = new Inflater(true);
    private final CRC32 readCrc = new CRC32();
    /** Compressed input from the inner channel, in read mode (between position and limit). */
    private final ByteBuffer in = ByteBuffer.allocate(CHUNK).flip();
    private ReadState state = ReadState.HEADER;
    private boolean anyMember;
    private long readTotal;
    private volatile boolean readShut;

    private enum ReadState { HEADER, BODY, DONE }

    GzipChannel(String name, IoChannel inner) {
        super(name);
        this.inner = inner;
        if (inner.hasFeature(Feature.SHUTDOWN)) {
            setFeature(Feature.SHUTDOWN);
        }
        if (inner.hasFeature(Feature.CONCURRENT_IO)) {
            setFeature(Feature.CONCURRENT_IO);
        }
        if (!inner.isBlocking()) {
            throw new IllegalArgumentException(name + ": the gzip layer works in blocking mode only, and "
                    + inner.name() + " is non-blocking");
        }
    }

    // ---- reading ----------------------------------------------------------------------------

    @Override
    protected long implReadv(ByteBuffer[] iov, List<NativeFd> fdsOut, Set<ReadFlag> flags) throws IOException {
        while (true) {
            if (readShut || state == ReadState.DONE) {
                return EOF;
            }
            if (state == ReadState.HEADER) {
                if (!readHeader()) {
                    state = ReadState.DONE;
                    continue;
                }
                state = ReadState.BODY;
            }
            long n = inflateInto(iov);
            if (n > 0) {
                return n;
            }
            if (readShut) {
                return EOF;
            }
        }
    }

    /** Inflates into the iov; 0 when more input was fetched or a member ended (call again). */
    private long inflateInto(ByteBuffer[] iov) throws IOException {
        long total = 0;
        try {
            for (ByteBuffer dst : iov) {
                while (dst.hasRemaining()) {
                    if (inflater.finished()) {
                        readTrailer();
                        return total;
                    }
                    if (inflater.needsInput()) {
                        if (total > 0) {
                            return total; // deliver what we have rather than block for more input
                        }
                        if (!fill()) {
                            throw error("Truncated gzip stream: end of input inside the compressed data", null);
                        }
                        if (readShut) {
                            return 0;
                        }
                        inflater.setInput(in);
                        continue;
                    }
                    if (inflater.needsDictionary()) {
                        throw error("Corrupt gzip stream: deflate data asks for a preset dictionary", null);
                    }
                    int start = dst.position();
                    int got = inflater.inflate(dst);
                    if (got > 0) {
                        ByteBuffer done = dst.duplicate().position(start).limit(start + got);
                        readCrc.update(done);
                        readTotal += got;
                        total += got;
                    }
                }
            }
        } catch (DataFormatException e) {
            throw error("Corrupt gzip stream", e);
        }
        return total;
    }

    /**
     * Parses a member header. Returns false at a clean end of stream: before the first byte of the
     * stream, or right after a member's trailer.
     */
    private boolean readHeader() throws IOException {
        if (!in.hasRemaining() && !fill()) {
            return false; // nothing at all (an empty stream) or nothing after the last member
        }
        if (readShut) {
            return false;
        }
        int id1 = u8(), id2 = u8();
        if (id1 != ID1 || id2 != ID2) {
            throw error(anyMember ? "Trailing garbage after the gzip data" : "Not in gzip format (bad magic bytes)", null);
        }
        int cm = u8();
        if (cm != CM_DEFLATE) {
            throw error("Unknown gzip compression method " + cm, null);
        }
        int flg = u8();
        if ((flg & FRESERVED) != 0) {
            throw error("Unsupported gzip header flags 0x" + Integer.toHexString(flg), null);
        }
        for (int i = 0; i < 6; i++) {
            u8(); // MTIME (4), XFL, OS
        }
        if ((flg & FEXTRA) != 0) {
            int xlen = u8() | (u8() << 8);
            for (int i = 0; i < xlen; i++) {
                u8();
            }
        }
        if ((flg & FNAME) != 0) {
            while (u8() != 0) { /* skip the file name */ }
        }
        if ((flg & FCOMMENT) != 0) {
            while (u8() != 0) { /* skip the comment */ }
        }
        if ((flg & FHCRC) != 0) {
            u8();
            u8();
        }
        anyMember = true;
        inflater.reset();
        readCrc.reset();
        readTotal = 0;
        inflater.setInput(in);
        return true;
    }

    private void readTrailer() throws IOException {
        long crc = u32(), size = u32();
        if (crc != readCrc.getValue()) {
            throw error("Corrupt gzip stream: CRC-32 mismatch (trailer 0x" + Long.toHexString(crc) + ", data 0x"
                    + Long.toHexString(readCrc.getValue()) + ")", null);
        }
        if (size != (readTotal & 0xffffffffL)) {
            throw error("Corrupt gzip stream: length mismatch (trailer " + size + ", data " + readTotal + ")", null);
        }
        state = ReadState.HEADER;
    }

    private long u32() throws IOException {
        return (u8() | (u8() << 8) | (u8() << 16) | ((long) u8() << 24)) & 0xffffffffL;
    }

    private int u8() throws IOException {
        if (!in.hasRemaining() && (!fill() || readShut)) {
            throw error("Truncated gzip stream: end of input inside a gzip header or trailer", null);
        }
        return in.get() & 0xff;
    }

    /** Reads more compressed input from the inner channel; false at its end of stream. */
    private boolean fill() throws IOException {
        in.compact();
        try {
            int n = inner.read(in);
            return n > 0;
        } finally {
            in.flip();
        }
    }

    // ---- writing ----------------------------------------------------------------------------

    @Override
    protected long implWritev(ByteBuffer[] iov, List<NativeFd> fds, Set<WriteFlag> flags) throws IOException {
        writeState.lock();
        try {
            if (finished) {
                throw error("Unable to write: the gzip stream was ended by shutdown(WRITE)", null);
            }
            writeHeader();
            long total = 0;
            for (ByteBuffer src : iov) {
                if (!src.hasRemaining()) {
                    continue;
                }
                int start = src.position();
                ByteBuffer view = src.duplicate();
                writeCrc.update(view);
                deflater.setInput(src); // consumes src as it deflates
                while (!deflater.needsInput()) {
                    drain(deflater.deflate(deflated.clear(), Deflater.NO_FLUSH));
                }
                total += src.position() - start;
            }
            // Drop the reference to the caller's buffer: the Deflater keeps its input, and a
            // later deflate (the flush below, finish at close) would read whatever the caller
            // has put into that buffer since.
            deflater.setInput(NO_BYTES);
            writtenTotal += total;
            // Sync flush: everything written so far can be decompressed by the peer now.
            int n;
            do {
                n = deflater.deflate(deflated.clear(), Deflater.SYNC_FLUSH);
                drain(n);
            } while (n == deflated.capacity());
            return total;
        } finally {
            writeState.unlock();
        }
    }

    private void writeHeader() throws IOException {
        if (!headerWritten) {
            // magic, CM=deflate, FLG=0, MTIME=0, XFL=0, OS=255 (unknown)
            inner.writeAll(ByteBuffer.wrap(new byte[] {(byte) ID1, (byte) ID2, CM_DEFLATE, 0, 0, 0, 0, 0, 0, (byte) 255}));
            headerWritten = true;
        }
    }

    private void drain(int n) throws IOException {
        if (n > 0) {
            inner.writeAll(deflated.flip());
        }
    }

    /** Ends the member: remaining deflate output and the trailer. Idempotent. Call with writeState held. */
    private void finishStream() throws IOException {
        if (finished) {
            return;
        }
        finished = true;
        writeHeader();
        deflater.finish();
        while (!deflater.finished()) {
            drain(deflater.deflate(deflated.clear()));
        }
        long crc = writeCrc.getValue();
        long size = writtenTotal & 0xffffffffL;
        ByteBuffer trailer = ByteBuffer.allocate(8);
        for (int i = 0; i < 4; i++) {
            trailer.put((byte) (crc >>> (8 * i)));
        }
        for (int i = 0; i < 4; i++) {
            trailer.put((byte) (size >>> (8 * i)));
        }
        inner.writeAll(trailer.flip());
    }

    // ---- lifecycle and modes ----------------------------------------------------------------

    @Override
    protected void implShutdown(Shutdown how) throws IOException {
        if (how != Shutdown.WRITE) {
            readShut = true; // a reader woken by the inner shutdown reads EOF, not "truncated"
        }
        if (how != Shutdown.READ) {
            writeState.lock();
            try {
                finishStream();
            } finally {
                writeState.unlock();
            }
        }
        inner.shutdown(how);
    }

    /**
     * Writes the trailer if anything was written and {@code shutdown(WRITE)} has not (unless a writer is blocked in the inner channel
     * right now: then the stream is cut off, the inner channel closed, and that writer woken),
     * then closes the inner channel, which wakes a blocked reader. A failed trailer write is
     * reported over a file or pipe; over a connection (inner SHUTDOWN) it is ignored, since the
     * peer may already have closed: call {@code shutdown(WRITE)} first to get every error.
     */
    @Override
    protected void implClose() throws IOException {
        IOException failure = null;
        boolean locked = writeState.tryLock();
        if (locked) {
            try {
                if (headerWritten) {
                    finishStream();
                }
            } catch (IOException e) {
                // Over a connection (the inner channel has SHUTDOWN) the peer may have hung up
                // already: then, as with TLS's close_notify, a trailer nobody can read is not an
                // error of close(). Over a file or pipe a lost trailer is reported.
                if (!inner.hasFeature(Feature.SHUTDOWN)) {
                    failure = e;
                }
            }
        }
        try {
            inner.close();
        } catch (IOException e) {
            if (failure == null) {
                failure = e;
            } else {
                failure.addSuppressed(e);
            }
        } finally {
            if (locked) {
                deflater.end(); // no writer can be inside it: we hold the write state
                writeState.unlock();
            }
            // Otherwise, and always for the inflater (a reader that the inner close is waking may
            // still be inside it), the native memory is left to the garbage collector's cleaner.
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    protected Readiness readiness() {
        return readiness;
    }

    @Override
    protected void implSetBlocking(boolean blocking) {
        throw new UnsupportedOperationException(name()
                + ": the gzip layer works in blocking mode only (a compressed read or write cannot stop half-way)");
    }
}

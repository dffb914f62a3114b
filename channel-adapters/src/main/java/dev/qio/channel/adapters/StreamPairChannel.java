package dev.qio.channel.adapters;

import dev.qio.channel.Feature;
import dev.qio.channel.NativeFd;
import dev.qio.channel.ReadFlag;
import dev.qio.channel.WriteFlag;
import dev.qio.channel.spi.AbstractIoChannel;
import dev.qio.channel.spi.Iov;
import dev.qio.channel.spi.Readiness;
import dev.qio.channel.spi.SignalledReadiness;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;

/** Two {@code java.io} streams; see {@link ForeignChannels#ofStreams}. */
final class StreamPairChannel extends AbstractIoChannel {
    private static final Readiness ALWAYS = SignalledReadiness.alwaysReady();
    /** The most one read or write moves: one stream call per operation, however long the iov. */
    private static final int CHUNK = 64 * 1024;

    private final InputStream in;
    private final OutputStream out;
    /** Where a read lands before it is scattered; guarded by the read lock. Made on first use. */
    private ByteBuffer readScratch;
    /** Where a write is gathered; guarded by the write lock. Made on first use. */
    private ByteBuffer writeScratch;

    StreamPairChannel(String name, InputStream in, OutputStream out) {
        super(name);
        this.in = in;
        this.out = out;
        setFeature(Feature.CONCURRENT_IO);
    }

    @Override
    protected long implReadv(ByteBuffer[] iov, List<NativeFd> fdsOut, Set<ReadFlag> flags) throws IOException {
        if (readScratch == null) {
            readScratch = ByteBuffer.allocate(CHUNK);
        }
        int n;
        try {
            n = in.read(readScratch.array(), 0, (int) Math.min(CHUNK, Iov.remaining(iov)));
        } catch (IOException e) {
            throw isOpen() ? error("Unable to read from stream", e) : e;
        }
        if (n < 0) {
            return EOF;
        }
        Iov.fill(iov, readScratch.clear(), n);
        return n;
    }

    @Override
    protected long implWritev(ByteBuffer[] iov, List<NativeFd> fds, Set<WriteFlag> flags) throws IOException {
        if (writeScratch == null) {
            writeScratch = ByteBuffer.allocate(CHUNK);
        }
        int n = Iov.drain(iov, writeScratch.clear(), CHUNK);
        try {
            out.write(writeScratch.array(), 0, n);
            out.flush();
        } catch (IOException e) {
            throw isOpen() ? error("Unable to write to stream", e) : e;
        }
        return n;
    }

    @Override
    protected void implClose() throws IOException {
        try {
            in.close();
        } finally {
            out.close();
        }
    }

    @Override
    protected Readiness readiness() {
        return ALWAYS;
    }

    @Override
    protected void implSetBlocking(boolean blocking) {
        if (!blocking) {
            throw new UnsupportedOperationException(name() + ": non-blocking mode is not available:"
                    + " java.io streams only block; use blocking mode, for example on a virtual thread");
        }
    }
}

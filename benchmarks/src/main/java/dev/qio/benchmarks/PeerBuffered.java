package dev.qio.benchmarks;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.IoListener;
import dev.qio.channel.adapters.BufferedChannels;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The {@code tcp-4k} row's contender for qio's write buffer: the same loop as
 * {@link PeerStreams.Qio}'s plain style ({@code writeAll} of one chunk per operation, from a
 * direct buffer), through {@link BufferedChannels#buffered} with 64 KiB, the size of Netty's
 * high-water mark; one {@code flush} at the end of each round. So a system call carries 16 chunks,
 * as Netty's write-then-flush does, and the code writes one chunk at a time, as users write.
 */
final class PeerBuffered extends PeerStreams.Blocking {
    static final int CAPACITY = 64 * 1024;
    static final String LABEL = "qio, BufferedChannels.buffered (64 KiB), writeAll per chunk";

    private final IoListener listener;
    private final IoChannel writer;
    private final IoChannel reader;
    private final Background drain;
    private final ByteBuffer buf;

    PeerBuffered(int size) throws IOException {
        listener = IoChannels.listen("tcp://127.0.0.1:0");
        IoChannel raw = IoChannels.open(listener.localUri());
        writer = BufferedChannels.buffered(raw, CAPACITY);
        reader = listener.accept();
        buf = Buffers.direct(size);
        drain = PeerStreams.drain("qio-buffered-drain", reader, sink, writer);
    }

    @Override
    public String label() {
        return LABEL;
    }

    @Override
    long op() throws IOException {
        writer.writeAll(buf.clear());
        return buf.capacity();
    }

    @Override
    void finish() throws IOException {
        writer.flush();
    }

    @Override
    public void close() throws Exception {
        drain.stop(writer::close, reader::close, listener::close);
    }
}

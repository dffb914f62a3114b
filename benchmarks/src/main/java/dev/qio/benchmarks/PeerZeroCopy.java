package dev.qio.benchmarks;

import dev.qio.channel.Feature;
import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.IoListener;
import dev.qio.channel.WriteFlag;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;

/**
 * The zero-copy rows of {@link Peers}: {@code WriteFlag.ZERO_COPY} writes, each followed by
 * {@code flush()} as a caller reusing its buffer must, against copying writes of the same direct
 * buffer on another native {@code tcp://} loopback pair, in alternating rounds; a thread drains
 * each accepted end. A round scores either throughput or the CPU time the whole process spent per
 * GB delivered (this JVM's CPU time over the round, both ends and the kernel's work on their
 * behalf), which is what zero-copy is meant to save.
 *
 * <p>Over loopback the kernel copies every zero-copy send anyway ({@code flush()} returns 1), so
 * these rows measure what zero-copy costs on top of a copy (pinning, the completion, the flush),
 * not what it saves: the saving needs a real network device.
 */
final class PeerZeroCopy implements Contender {
    /** What a round scores. */
    enum Metric {
        /** Bytes per second; the table shows MB/s. */
        THROUGHPUT("MB/s"),
        /** Milliseconds of this process's CPU time per GB (1e9 bytes) delivered. */
        CPU("CPU ms per GB");

        final String unit;

        Metric(String unit) {
            this.unit = unit;
        }
    }

    private static final Set<WriteFlag> ZERO_COPY = Set.of(WriteFlag.ZERO_COPY);

    private final boolean zeroCopy;
    private final Metric metric;
    private final IoListener listener;
    private final IoChannel writer;
    private final IoChannel reader;
    private final ByteBuffer buf;
    private final ByteBuffer[] iov;
    private final Sink sink = new Sink();
    private final Background drain;
    private long sent;

    PeerZeroCopy(boolean zeroCopy, int size, Metric metric) throws IOException {
        this.zeroCopy = zeroCopy;
        this.metric = metric;
        listener = IoChannels.listen("tcp://127.0.0.1:0");
        writer = IoChannels.open(listener.localUri());
        reader = listener.accept();
        if (!writer.hasFeature(Feature.WRITE_ZERO_COPY)) {
            writer.close();
            reader.close();
            listener.close();
            throw new IllegalStateException(
                    "no WRITE_ZERO_COPY here (the native backend is off, or the kernel refuses SO_ZEROCOPY)");
        }
        buf = Buffers.direct(size);
        iov = new ByteBuffer[] {buf};
        drain = PeerStreams.drain("zc-drain", reader, sink, writer);
    }

    /** A zero-copy row and its copying baseline, one per metric. */
    static Peers.Row row(String id, int order, int size, Metric metric) {
        String kib = size / 1024 + " KiB";
        return new Peers.Row(
                id,
                order,
                "tcp:// " + kib + " writes, zero-copy vs copying, " + metric.unit,
                metric.unit,
                List.of(new Peers.Entry(
                        "qio, WriteFlag.ZERO_COPY + flush()", () -> new PeerZeroCopy(true, size, metric), Double.NaN)),
                List.of(new Peers.Entry(
                        "qio, copying writes", () -> new PeerZeroCopy(false, size, metric), Double.NaN)),
                1);
    }

    @Override
    public String label() {
        return zeroCopy ? "qio, WriteFlag.ZERO_COPY + flush()" : "qio, copying writes";
    }

    @Override
    public double round(long nanos) throws Exception {
        long cpu = ProcessCpu.nanos();
        long start = System.nanoTime();
        long end = start + nanos;
        long before = sent;
        do {
            buf.clear();
            if (zeroCopy) {
                writer.writevAll(iov, List.of(), ZERO_COPY);
                writer.flush();
            } else {
                writer.writeAll(buf);
            }
            sent += iov[0].capacity();
        } while (System.nanoTime() - end < 0);
        sink.await(sent);
        double bytes = sent - before;
        return metric == Metric.THROUGHPUT
                ? bytes / ((System.nanoTime() - start) / 1e9)
                : (ProcessCpu.nanos() - cpu) / 1e6 / (bytes / 1e9);
    }

    @Override
    public void close() throws Exception {
        drain.stop(writer::close, reader::close, listener::close);
    }
}

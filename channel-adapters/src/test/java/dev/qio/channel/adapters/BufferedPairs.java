package dev.qio.channel.adapters;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.IoCondition;
import dev.qio.testkit.Capability;
import dev.qio.testkit.ChannelFixture;
import dev.qio.testkit.ChannelPair;
import dev.qio.testkit.MixedPairs;
import java.io.IOException;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fixtures for the kit over {@link BufferedChannels#buffered} on both ends of a pair. The buffer is
 * small and of odd size, so the kit's odd chunks land in every branch: copied in, gathered with
 * the held bytes, written past the buffer.
 */
final class BufferedPairs {
    private BufferedPairs() {}

    /** Smaller than most of the kit's chunks, and no power of two. */
    static final int CAPACITY = 1000;

    private static final AtomicInteger NAMES = new AtomicInteger();
    /** A stream pair whose writer holds bytes until flush. */
    static final Set<Capability> CAPABILITIES = EnumSet.of(
            Capability.ROUND_TRIP, Capability.CONCURRENT, Capability.STARVE, Capability.FILL, Capability.HOLDS_WRITES);

    /**
     * Both ends of {@code pair} buffered. Finishing the writing flushes the writer and then closes
     * it, on a thread of its own: the kit reads only after {@code finishWriting} returns, and a
     * flush into a full transport waits for that reader (close alone would drop what finds no room).
     */
    static ChannelPair buffered(ChannelPair pair) throws IOException {
        IoChannel writer = BufferedChannels.buffered(pair.writer(), CAPACITY);
        IoChannel reader = BufferedChannels.buffered(pair.reader(), CAPACITY);
        return new ChannelPair() {
            private Thread finisher;
            private volatile IOException finishFailed;
            private volatile boolean closing;

            @Override
            public IoChannel writer() {
                return writer;
            }

            @Override
            public IoChannel reader() {
                return reader;
            }

            @Override
            public void finishWriting() {
                finisher = Thread.ofPlatform().name("qio-buffered-finish").start(() -> {
                    try (writer) {
                        while (writer.flush() == IoChannel.ERR_BLOCK) {
                            writer.await(IoCondition.OUT);
                        }
                    } catch (IOException e) {
                        if (!closing) {
                            finishFailed = e; // not the close below cutting a flush short
                        }
                    }
                });
            }

            @Override
            public void close() throws IOException {
                closing = true;
                try (pair;
                        reader;
                        writer) {
                    writer.close(); // wakes a finisher still flushing
                    if (finisher != null) {
                        finisher.join();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("interrupted while the buffered writer finished");
                }
                if (finishFailed != null) {
                    throw finishFailed;
                }
            }
        };
    }

    static ChannelFixture mem() {
        return ChannelFixture.of(
                "buffered-mem",
                CAPABILITIES,
                () -> buffered(
                        ChannelPair.connected(IoChannels.registry(), "mem://buffered-" + NAMES.incrementAndGet(), "")));
    }

    /** A tcp pair through one backend only (skipped where it cannot run), with small socket buffers. */
    static ChannelFixture tcp(String name, String provider) {
        return ChannelFixture.of(name, CAPABILITIES, () -> {
            var only = MixedPairs.only(IoChannels.registry(), "tcp", provider);
            String buffers = "sndbuf=65536&rcvbuf=65536"; // both ends: the kit's FILL properties fill them
            return buffered(MixedPairs.connected(only, "tcp://127.0.0.1:0?" + buffers, only, buffers));
        });
    }
}

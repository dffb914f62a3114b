package dev.qio.provider.fault;

import dev.qio.channel.spi.UriOptions;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The {@code fault+} layer's options, read once per URI (see {@link FaultProvider} for what each
 * does). Percentages are whole numbers from 0 to 100; byte counts take {@code k}, {@code m} and
 * {@code g}; -1 means "never".
 *
 * @param seed the seed every random choice of a channel derives from
 * @param seedGiven whether the URI gave it; if not, it was drawn at random and channel names show it
 * @param split percent of reads and writes cut short at a random point
 * @param block percent of non-blocking reads and writes that return ERR_BLOCK without I/O
 * @param eofAfter bytes read before reads return EOF, or -1
 * @param resetAfter bytes moved (read plus written) before the connection resets, or -1
 * @param failWriteAfter bytes written before one write fails, or -1
 * @param delayMillis the most a blocking read or write waits before it starts, in ms; 0 for none
 */
record FaultOptions(
        long seed,
        boolean seedGiven,
        int split,
        int block,
        long eofAfter,
        long resetAfter,
        long failWriteAfter,
        int delayMillis) {
    /** The options that belong to the layer; any other goes to the inner channel's URI. */
    static final Set<String> NAMES =
            Set.of("seed", "split", "block", "eof-after", "reset-after", "fail-write-after", "delay");
    /**
     * The longest delay: well inside the kit's liveness bound (5 s), because a delayed call notices
     * a close only once its delay is over.
     */
    static final int MAX_DELAY_MILLIS = 1000;

    static FaultOptions read(UriOptions o) {
        boolean seedGiven = o.string("seed").isPresent();
        long seed = seedGiven
                ? o.integer("seed", 0, Long.MIN_VALUE, Long.MAX_VALUE)
                : ThreadLocalRandom.current().nextLong();
        FaultOptions options = new FaultOptions(
                seed,
                seedGiven,
                (int) o.integer("split", 0, 0, 100),
                (int) o.integer("block", 0, 0, 100),
                o.bytes("eof-after", -1, 0, Long.MAX_VALUE),
                o.bytes("reset-after", -1, 0, Long.MAX_VALUE),
                o.bytes("fail-write-after", -1, 0, Long.MAX_VALUE),
                (int) o.integer("delay", 0, 0, MAX_DELAY_MILLIS));
        o.finish();
        return options;
    }

    /** {@code name}, with the seed added when the URI did not give it, so a failure's message tells how to rerun it. */
    String name(String name) {
        return seedGiven ? name : name + " [seed=" + seed + "]";
    }
}

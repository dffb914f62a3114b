package dev.qio.provider.fault;

import com.google.auto.service.AutoService;
import dev.qio.channel.ChannelProvider;
import dev.qio.channel.ChannelRegistry;
import dev.qio.channel.Feature;
import dev.qio.channel.IoChannel;
import dev.qio.channel.IoListener;
import dev.qio.channel.spi.LayerListener;
import dev.qio.channel.spi.LayerProvider;
import dev.qio.channel.spi.LayerUri;
import dev.qio.channel.spi.UriOptions;
import java.io.IOException;
import java.net.URI;
import java.util.Set;

/**
 * The {@code fault+SCHEME://…} layer: a channel of any scheme with faults injected, for testing
 * the code that uses it (a protocol's parser must survive a message that arrives a byte at a
 * time; an {@code *All} loop must survive a spurious {@code ERR_BLOCK}). Every choice comes from
 * one seed, so a run that found a bug runs again the same way (given the same calls in the same
 * order on each direction).
 *
 * <p>Options (all off by default; the others go to the inner URI, whose provider refuses what it
 * does not know):
 * <ul>
 *   <li>{@code seed=N}: the seed (a {@code long}). Without it one is drawn at random, and the
 *       channel's {@link IoChannel#name() name} ends with {@code [seed=N]} so it can be given back.
 *   <li>{@code split=P}: P percent (0 to 100) of reads and writes that could move more than one
 *       byte move fewer, a random number from 1 up, as a socket may. In blocking mode too: the
 *       contract promises at least one byte, no more.
 *   <li>{@code block=P}: in non-blocking mode, P percent of reads and writes return
 *       {@code ERR_BLOCK} without touching the inner channel, though it may be ready, and that
 *       direction keeps answering {@code ERR_BLOCK} until the channel's readiness is next asked
 *       (by {@code await} or a watch), which finds it ready: as if the bytes or the room came a
 *       moment later. So a caller that retries without waiting sees the same answer, and one that
 *       waits always makes progress, as the contract promises.
 *   <li>{@code eof-after=BYTES}: once that many bytes have been read, reads return {@code EOF},
 *       as if the peer had closed (a read that would cross the mark is cut at it).
 *   <li>{@code reset-after=BYTES}: once that many bytes have moved (read plus written), the
 *       connection is reset: the inner channel is closed, so the peer sees it end, and every
 *       later read and write throws an {@link IOException} ("Connection reset").
 *   <li>{@code fail-write-after=BYTES}: once that many bytes have been written, the next write
 *       throws an {@link IOException} ("Broken pipe") and moves nothing; the writes after it go
 *       through again (a write that would cross the mark is cut at it).
 *   <li>{@code delay=MS}: in blocking mode, every read and write first waits a random time from 0
 *       to MS milliseconds (at most 1000), drawn from the seed, as a slow or congested peer
 *       would make it wait. The wait parks the thread ({@code Thread.sleep}): a virtual thread
 *       frees its carrier. A close during the wait takes effect when it ends. Non-blocking calls
 *       are never delayed: they must return at once; {@code block} delays their readiness.
 * </ul>
 *
 * <p>Features: the inner channel's SHUTDOWN, CONCURRENT_IO, FD_PASS and READ_MSG_PEEK; modes,
 * shutdown, close, hints, readiness and the peer's pid and credentials go to the inner channel
 * ({@code fault+unix:} reports the unix peer's). A listener
 * ({@code fault+mem://NAME}, {@code fault+tcp://…}) puts the layer, with the same options and
 * seed, on every channel it accepts.
 */
@AutoService(ChannelProvider.class)
public final class FaultProvider extends LayerProvider {
    static final String SCHEME = "fault";

    /**
     * For {@link java.util.ServiceLoader}, and for {@link ChannelRegistry#of}. SHUTDOWN,
     * CONCURRENT_IO, FD_PASS and READ_MSG_PEEK where the inner channel has them.
     */
    public FaultProvider() {
        super(SCHEME, Set.of(Feature.SHUTDOWN, Feature.CONCURRENT_IO, Feature.FD_PASS, Feature.READ_MSG_PEEK));
    }

    @Override
    public IoChannel open(URI uri, ChannelRegistry registry) throws IOException {
        LayerUri split = LayerUri.split(uri, SCHEME, FaultOptions.NAMES);
        FaultOptions options = FaultOptions.read(split.layer());
        return openOver(
                registry,
                split.inner(),
                inner -> new FaultChannel(options.name(UriOptions.displayName(uri)), inner, options),
                channel -> {});
    }

    @Override
    public IoListener listen(URI uri, ChannelRegistry registry) throws IOException {
        LayerUri split = LayerUri.split(uri, SCHEME, FaultOptions.NAMES);
        FaultOptions options = FaultOptions.read(split.layer());
        return new FaultListener(registry.listen(split.inner()), options);
    }

    /** Puts the layer on every accepted channel; no handshake, so {@code wrap} is the only hook. */
    private static final class FaultListener extends LayerListener<FaultChannel> {
        private final FaultOptions options;

        FaultListener(IoListener inner, FaultOptions options) {
            super(SCHEME, inner);
            this.options = options;
        }

        @Override
        protected FaultChannel wrap(IoChannel inner) {
            return new FaultChannel(options.name(SCHEME + "+" + inner.name()), inner, options);
        }
    }
}

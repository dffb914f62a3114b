package dev.qio.provider.memory;

import com.google.auto.service.AutoService;
import dev.qio.channel.ChannelProvider;
import dev.qio.channel.ChannelRegistry;
import dev.qio.channel.Feature;
import dev.qio.channel.IoChannel;
import dev.qio.channel.IoListener;
import dev.qio.channel.spi.NativeFds;
import dev.qio.channel.spi.SchemeTable;
import dev.qio.channel.spi.TableProvider;
import dev.qio.channel.spi.UriOptions;
import java.io.IOException;
import java.net.URI;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The in-process channels: schemes {@code mem}, {@code buffer} and {@code null}.
 *
 * <ul>
 *   <li>{@code mem://NAME[?capacity=BYTES]}: {@link #listen} binds NAME in this process;
 *       {@link #open} connects to it and returns at once, with the other end queued for
 *       {@code accept}. Each direction is a pipe buffering {@code capacity} bytes (default 64 KiB,
 *       1 to 1 GiB): a full pipe blocks a writer, or gives {@code ERR_BLOCK} when non-blocking.
 *       Opening a NAME nobody listens on is an {@link IOException} ("Connection refused").
 *   <li>{@code buffer:[?capacity=BYTES]}: a growable, seekable byte buffer; {@code capacity} is
 *       its first allocation (default 4096, 0 to 64 MiB), not a limit: it grows as written.
 *   <li>{@code null:}: reads return EOF, writes discard. No options.
 * </ul>
 *
 * Unknown options are {@link IllegalArgumentException}s naming the option. Only {@code mem} can
 * listen. Instances are stateless; the {@code mem} names live in a process-wide table shared by
 * every instance.
 */
@AutoService(ChannelProvider.class)
public final class MemoryProvider extends TableProvider {
    private static final SchemeTable SCHEMES = SchemeTable.of(Map.of(
            "mem",
                    NativeFds.isSupported()
                            ? EnumSet.of(Feature.SHUTDOWN, Feature.CONCURRENT_IO, Feature.FD_PASS)
                            : EnumSet.of(Feature.SHUTDOWN, Feature.CONCURRENT_IO),
            "buffer", Set.of(Feature.SEEKABLE),
            "null", Set.of()));

    /** For {@link java.util.ServiceLoader}, and for {@link ChannelRegistry#of}. */
    public MemoryProvider() {
        super(SCHEMES);
    }

    @Override
    public IoChannel open(URI uri, ChannelRegistry registry) throws IOException {
        return switch (requireScheme(uri.getScheme())) {
            case "mem" -> MemListener.connect(uri);
            case "buffer" -> BufferChannel.open(uri);
            default -> NullChannel.open(uri);
        };
    }

    /**
     * Binds a {@code mem://NAME} listener.
     *
     * @throws UnsupportedOperationException for {@code buffer:} and {@code null:}
     * @throws IOException "address in use" if an open listener has NAME
     */
    @Override
    public IoListener listen(URI uri, ChannelRegistry registry) throws IOException {
        String scheme = requireScheme(uri.getScheme());
        if (!scheme.equals("mem")) {
            throw new UnsupportedOperationException(UriOptions.displayName(uri) + ": scheme '" + scheme
                    + "' cannot listen; of this provider's schemes only mem:// can");
        }
        return MemListener.bind(uri);
    }
}

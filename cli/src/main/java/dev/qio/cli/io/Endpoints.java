package dev.qio.cli.io;

import dev.qio.channel.ChannelRegistry;
import dev.qio.channel.IoChannel;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Opens {@link Endpoint}s: {@code -} for standard input and output, anything else as a URI. */
public final class Endpoints {
    private Endpoints() {}

    /** The name that means standard input (as a source) and standard output (as a destination). */
    public static final String STDIO = "-";

    /**
     * Opens {@code spec} through {@code registry}, in blocking mode.
     *
     * @throws IOException if the channel cannot be opened; the message names {@code spec}
     * @throws IllegalArgumentException if {@code spec} is not a URI, has an unknown option or an
     *     unknown scheme
     */
    public static Endpoint open(String spec, ChannelRegistry registry, InputStream in, OutputStream out)
            throws IOException {
        if (STDIO.equals(spec)) {
            return new StreamEndpoint(in, out);
        }
        try {
            return of(spec, registry.open(spec));
        } catch (IOException e) {
            throw Failures.naming(spec, e);
        }
    }

    /** An endpoint over a channel that is already open (an accepted client, say). */
    public static Endpoint of(String name, IoChannel channel) {
        return new ChannelEndpoint(name, channel);
    }
}

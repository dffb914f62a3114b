package dev.qio.provider.memory;

import dev.qio.channel.NativeFd;
import dev.qio.channel.ReadFlag;
import dev.qio.channel.WriteFlag;
import dev.qio.channel.spi.AbstractIoChannel;
import dev.qio.channel.spi.Readiness;
import dev.qio.channel.spi.SignalledReadiness;
import dev.qio.channel.spi.UriOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;

/**
 * {@code null:}: QEMU's {@code QIOChannelNull}. Every read returns {@code EOF}; every write takes
 * all its bytes (advancing the buffers' positions), discards them and returns their count. Nothing
 * waits and nothing returns {@code ERR_BLOCK}, in either mode. No features, so seek, preadv,
 * pwritev, shutdown and descriptors are refused with
 * {@link dev.qio.channel.UnsupportedFeatureException}. Readiness is always {@code IN} and
 * {@code OUT}. After {@code close()} (idempotent) I/O throws
 * {@link java.nio.channels.ClosedChannelException}. Takes no options.
 */
final class NullChannel extends AbstractIoChannel {
    private static final Readiness ALWAYS = SignalledReadiness.alwaysReady();

    private NullChannel(String name) {
        super(name);
    }

    /**
     * Opens {@code null:}.
     *
     * @throws IllegalArgumentException on any option or anything after {@code null:}
     */
    static NullChannel open(URI uri) {
        UriOptions options = UriOptions.of(uri);
        if (!options.target().isEmpty()) {
            throw new IllegalArgumentException(options.uri() + ": expected null:");
        }
        options.finish();
        return new NullChannel(options.uri());
    }

    @Override
    protected long implReadv(ByteBuffer[] iov, List<NativeFd> fdsOut, Set<ReadFlag> flags) {
        return EOF;
    }

    @Override
    protected long implWritev(ByteBuffer[] iov, List<NativeFd> fds, Set<WriteFlag> flags) {
        long n = 0;
        for (ByteBuffer b : iov) {
            n += b.remaining();
            b.position(b.limit());
        }
        return n;
    }

    @Override
    protected void implClose() {
        // Holds nothing; the base refuses I/O from now on.
    }

    @Override
    protected Readiness readiness() {
        return ALWAYS;
    }

    @Override
    protected void implSetBlocking(boolean blocking) {
        // Nothing ever waits.
    }
}

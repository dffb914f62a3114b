package org.example.qio.pipes;

import dev.qio.channel.ChannelProvider;
import dev.qio.channel.ChannelRegistry;
import dev.qio.channel.EventLoop;
import dev.qio.channel.Feature;
import dev.qio.channel.IoChannel;
import dev.qio.channel.IoListener;
import dev.qio.channel.Watch;
import java.io.IOException;
import java.net.URI;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.function.Consumer;

/** {@code pipe:///DIR} (a FIFO rendezvous) and {@code offbyone:} (a buffer); see the module description. */
public final class PipeProvider implements ChannelProvider {
    public PipeProvider() {}

    @Override
    public Set<String> schemes() {
        return Set.of("pipe", "offbyone");
    }

    @Override
    public Set<Feature> features(String scheme) {
        return scheme.equals("offbyone") ? Set.of(Feature.SEEKABLE) : Set.of();
    }

    @Override
    public IoChannel open(URI uri, ChannelRegistry registry) throws IOException {
        if (uri.getScheme().equals("offbyone")) {
            return registry.open("buffer:");
        }
        return registry.open(fifo(uri).toUri() + "?mode=w");
    }

    @Override
    public IoListener listen(URI uri, ChannelRegistry registry) throws IOException {
        if (uri.getScheme().equals("offbyone")) {
            throw new UnsupportedOperationException(uri + ": offbyone: cannot listen");
        }
        Path fifo = fifo(uri);
        Process p = new ProcessBuilder("mkfifo", fifo.toString()).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IOException(uri + ": mkfifo failed: " + out.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(uri + ": interrupted", e);
        }
        return new FifoListener(uri, fifo, registry);
    }

    private static Path fifo(URI uri) {
        return Path.of(uri.getPath()).resolve("fifo");
    }

    /** Each accept opens the FIFO's read end, which waits for a writer. */
    private static final class FifoListener implements IoListener {
        private final URI uri;
        private final Path fifo;
        private final ChannelRegistry registry;
        private volatile boolean open = true;

        FifoListener(URI uri, Path fifo, ChannelRegistry registry) {
            this.uri = uri;
            this.fifo = fifo;
            this.registry = registry;
        }

        @Override
        public IoChannel accept() throws IOException {
            if (!open) {
                throw new ClosedChannelException();
            }
            return registry.open(fifo.toUri() + "?mode=r");
        }

        @Override
        public void setBlocking(boolean blocking) {
            if (!blocking) {
                throw new UnsupportedOperationException(uri + ": blocking mode only");
            }
        }

        @Override
        public boolean isBlocking() {
            return true;
        }

        @Override
        public URI localUri() {
            return uri;
        }

        @Override
        public String name() {
            return uri.toString();
        }

        @Override
        public Set<Feature> features() {
            return Set.of(Feature.LISTEN);
        }

        @Override
        public Watch onAccept(Consumer<IoChannel> handler, EventLoop loop) {
            throw new UnsupportedOperationException(uri + ": no accept watches");
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public void close() throws IOException {
            if (open) {
                open = false;
                Files.deleteIfExists(fifo);
            }
        }
    }
}

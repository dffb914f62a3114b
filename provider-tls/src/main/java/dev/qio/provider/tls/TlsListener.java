package dev.qio.provider.tls;

import dev.qio.channel.EventLoop;
import dev.qio.channel.Feature;
import dev.qio.channel.IoChannel;
import dev.qio.channel.IoListener;
import dev.qio.channel.Watch;
import java.io.IOException;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

/**
 * A {@code tls+} listener: the inner listener's connections come out as TLS server channels whose
 * handshake is done.
 *
 * <p>A blocking {@link #accept()} shakes hands on the calling thread; a client whose handshake
 * fails (or whom authz refuses) makes that call throw, naming the client, and the listener stays
 * open for the next one. In non-blocking mode {@code accept()} starts the handshake of every
 * pending client on {@link EventLoop#shared()} and returns one whose handshake has finished, or
 * {@code null}; clients that fail are closed. {@link #onAccept} hands over only clients that
 * passed, on the given loop.
 */
final class TlsListener implements IoListener {
    private final IoListener inner;
    private final TlsCredentials credentials;
    private final Authz authz;
    /** Non-blocking accepts: clients whose handshake finished, not yet taken. */
    private final ConcurrentLinkedQueue<TlsChannel> ready = new ConcurrentLinkedQueue<>();

    TlsListener(IoListener inner, TlsCredentials credentials, Authz authz) {
        this.inner = inner;
        this.credentials = credentials;
        this.authz = authz;
    }

    @Override
    public IoChannel accept() throws IOException {
        if (!inner.isBlocking()) {
            IoChannel raw;
            while ((raw = inner.accept()) != null) {
                TlsChannel tls = wrap(raw);
                tls.handshakeAsync(EventLoop.shared()).whenComplete((done, failure) -> {
                    if (failure == null && inner.isOpen()) {
                        ready.add(tls);
                    } else {
                        closeQuietly(tls);
                    }
                });
            }
            return ready.poll();
        }
        TlsChannel tls = wrap(inner.accept());
        try {
            tls.handshake();
            return tls;
        } catch (IOException | RuntimeException e) {
            closeQuietly(tls);
            throw e;
        }
    }

    private TlsChannel wrap(IoChannel raw) throws IOException {
        try {
            return TlsChannels.server(raw, credentials, authz);
        } catch (IOException | RuntimeException e) {
            closeQuietly(raw);
            throw e;
        }
    }

    private static void closeQuietly(IoChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing more to do for a client that failed
        }
    }

    @Override
    public Watch onAccept(Consumer<IoChannel> handler, EventLoop loop) {
        return inner.onAccept(raw -> {
            TlsChannel tls;
            try {
                tls = wrap(raw);
            } catch (IOException | RuntimeException e) {
                return; // wrap closed it
            }
            tls.handshakeAsync(loop).whenComplete((done, failure) -> {
                if (failure == null) {
                    handler.accept(tls);
                } else {
                    closeQuietly(tls);
                }
            });
        }, loop);
    }

    @Override
    public void setBlocking(boolean blocking) throws IOException {
        inner.setBlocking(blocking);
    }

    @Override
    public boolean isBlocking() {
        return inner.isBlocking();
    }

    @Override
    public URI localUri() {
        return URI.create(TlsProvider.SCHEME + "+" + inner.localUri());
    }

    @Override
    public String name() {
        return TlsProvider.SCHEME + "+" + inner.name();
    }

    @Override
    public Set<Feature> features() {
        return inner.features();
    }

    @Override
    public boolean isOpen() {
        return inner.isOpen();
    }

    @Override
    public void close() throws IOException {
        try {
            inner.close();
        } finally {
            TlsChannel left;
            while ((left = ready.poll()) != null) {
                closeQuietly(left);
            }
        }
    }

    @Override
    public String toString() {
        return "TlsListener[" + name() + "]";
    }
}

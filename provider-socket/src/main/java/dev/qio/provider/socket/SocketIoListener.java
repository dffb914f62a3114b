package dev.qio.provider.socket;

import dev.qio.channel.IoChannel;
import dev.qio.channel.spi.AbstractIoListener;
import dev.qio.channel.spi.Readiness;
import dev.qio.channel.spi.SelectorReadiness;
import java.io.IOException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A listening TCP or unix socket (QEMU's QIONetListener over one socket).
 *
 * <p>The server socket stays non-blocking; a blocking {@code accept} parks on the shared poller.
 * Accepted channels get the listener's socket options and a name of the form
 * {@code LOCAL#client-N}. Closing a unix listener removes the socket file it created, and only that
 * file: if the path now holds another file (a different inode), it is left alone.
 */
final class SocketIoListener extends AbstractIoListener {
    private final ServerSocketChannel server;
    private final SelectorReadiness readiness;
    private final SocketOptions options;
    /** The unix socket file this listener created, or null for TCP. */
    private final SocketFile created;

    private final AtomicInteger accepted = new AtomicInteger();

    SocketIoListener(ServerSocketChannel server, SocketOptions options, Path createdPath) throws IOException {
        super(Endpoint.uriOf(server.getLocalAddress()));
        this.server = server;
        this.options = options;
        this.created = SocketFile.created(createdPath);
        server.configureBlocking(false);
        this.readiness = new SelectorReadiness(server);
    }

    @Override
    protected IoChannel implAccept() throws IOException {
        SocketChannel client = server.accept();
        if (client == null) {
            readiness.blocked(dev.qio.channel.IoCondition.IN);
            return null;
        }
        boolean tcp = created == null;
        try {
            options.applyAccepted(client, tcp);
            return new SocketIoChannel(name() + "#client-" + accepted.incrementAndGet(), client, tcp);
        } catch (IOException | RuntimeException e) {
            client.close();
            throw e;
        }
    }

    @Override
    protected Readiness readiness() {
        return readiness;
    }

    @Override
    protected void implClose() throws IOException {
        try {
            server.close();
        } finally {
            readiness.channelClosed();
            if (created != null) {
                created.removeIfOurs();
            }
        }
    }
}

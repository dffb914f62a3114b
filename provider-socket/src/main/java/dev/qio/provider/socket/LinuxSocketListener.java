package dev.qio.provider.socket;

import dev.qio.channel.IoChannel;
import dev.qio.channel.spi.AbstractIoListener;
import dev.qio.channel.spi.Readiness;
import dev.qio.channel.spi.linux.NativeSocket;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A listening TCP or unix socket on the native backend ({@link LinuxSocketProvider}): as
 * {@link SocketIoListener}, with {@code accept4} on a non-blocking descriptor and the waits of
 * {@link dev.qio.channel.spi.linux.PolledFd}.
 */
final class LinuxSocketListener extends AbstractIoListener {
    private final NativeSocket socket;
    private final SocketOptions options;
    /** The unix socket file this listener created, or null (TCP, an abstract address). */
    private final SocketFile created;

    private final AtomicInteger accepted = new AtomicInteger();

    LinuxSocketListener(NativeSocket socket, SocketOptions options, Path createdPath) throws IOException {
        super(Endpoint.uriOf(socket.localAddress("listener")));
        this.socket = socket;
        this.options = options;
        this.created = SocketFile.created(createdPath);
    }

    @Override
    protected IoChannel implAccept() throws IOException {
        NativeSocket client = socket.accept(name());
        if (client == null) {
            return null;
        }
        boolean tcp = !socket.isUnix();
        String clientName = name() + "#client-" + accepted.incrementAndGet();
        try {
            options.applyConnecting(client, tcp, clientName);
            return new LinuxSocketChannel(clientName, client, tcp);
        } catch (IOException | RuntimeException e) {
            client.close();
            throw e;
        }
    }

    @Override
    protected Readiness readiness() {
        return socket.fd();
    }

    @Override
    protected void implClose() throws IOException {
        try {
            socket.close();
        } finally {
            if (created != null) {
                created.removeIfOurs();
            }
        }
    }
}

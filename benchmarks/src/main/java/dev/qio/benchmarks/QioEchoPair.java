package dev.qio.benchmarks;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.IoListener;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * What the ping-pong rows' qio states share: a {@code tcp://} loopback pair with TCP_NODELAY on
 * both ends and an echo loop on the accepted end, on a platform or a virtual thread. Not a JMH
 * state itself: each row's state has its own setup and teardown, which call these.
 */
abstract class QioEchoPair {
    IoListener listener;
    IoChannel client;
    IoChannel server;
    final ByteBuffer ping = ByteBuffer.allocateDirect(1);
    final ByteBuffer pong = ByteBuffer.allocateDirect(1);
    Background echo;

    /** Connects the pair and starts the echo, on a virtual thread if {@code virtual}. */
    void open(boolean virtual) throws IOException {
        listener = IoChannels.listen("tcp://127.0.0.1:0?nodelay=true"); // accepted ends get TCP_NODELAY
        client = IoChannels.open(listener.localUri() + "?nodelay=true");
        server = listener.accept();
        Background.Loop loop = () -> {
            ByteBuffer b = ByteBuffer.allocateDirect(1);
            while (server.read(b.clear()) > 0) {
                server.writeAll(b.flip());
            }
        };
        Runnable onFailure = () -> Background.quietly(client::close);
        echo = virtual
                ? Background.startVirtual("qio-echo", loop, onFailure)
                : Background.start("qio-echo", loop, onFailure);
    }

    /** Closes the client, so the echo reads end of stream and ends, then the rest. */
    void close() throws Exception {
        echo.stop(client::close, server::close, listener::close);
    }
}

package dev.qio.channel.adapters;

import dev.qio.channel.spi.NioSocketChannel;
import java.io.IOException;
import java.nio.channels.SocketChannel;

/** A user's {@link SocketChannel}; see {@link ForeignChannels#ofSocket}. */
final class SocketChannelAdapter extends NioSocketChannel {
    SocketChannelAdapter(String name, SocketChannel socket) throws IOException {
        super(name, socket);
    }
}

package dev.qio.provider.socket;

import dev.qio.channel.IoChannel;
import dev.qio.channel.spi.linux.NativeSocket;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;

/**
 * What the kernel says about a socket channel's socket, on either backend: its options, addresses
 * and readiness, read beside the channel (never through it), so tests can check the channel
 * against the kernel.
 */
sealed interface Kernel {
    boolean noDelay() throws IOException;

    boolean keepAlive() throws IOException;

    int sendBuffer() throws IOException;

    int receiveBuffer() throws IOException;

    SocketAddress local() throws IOException;

    SocketAddress remote() throws IOException;

    /** Whether a read ({@code forRead}) or a write would make progress now. */
    boolean ready(boolean forRead) throws IOException;

    static Kernel of(IoChannel ch) {
        if (ch instanceof LinuxSocketChannel l) {
            return new Native(l.socket(), ch.name());
        }
        return new Nio(((SocketIoChannel) ch).socket());
    }

    record Nio(SocketChannel s) implements Kernel {
        @Override
        public boolean noDelay() throws IOException {
            return s.getOption(StandardSocketOptions.TCP_NODELAY);
        }

        @Override
        public boolean keepAlive() throws IOException {
            return s.getOption(StandardSocketOptions.SO_KEEPALIVE);
        }

        @Override
        public int sendBuffer() throws IOException {
            return s.getOption(StandardSocketOptions.SO_SNDBUF);
        }

        @Override
        public int receiveBuffer() throws IOException {
            return s.getOption(StandardSocketOptions.SO_RCVBUF);
        }

        @Override
        public SocketAddress local() throws IOException {
            return s.getLocalAddress();
        }

        @Override
        public SocketAddress remote() throws IOException {
            return s.getRemoteAddress();
        }

        @Override
        public boolean ready(boolean forRead) throws IOException {
            int op = forRead ? SelectionKey.OP_READ : SelectionKey.OP_WRITE;
            try (Selector oracle = Selector.open()) {
                SelectionKey key = s.register(oracle, op);
                return oracle.selectNow() > 0 && (key.readyOps() & op) != 0;
            }
        }
    }

    record Native(NativeSocket s, String name) implements Kernel {
        @Override
        public boolean noDelay() throws IOException {
            return s.noDelay(name);
        }

        @Override
        public boolean keepAlive() throws IOException {
            return s.keepAlive(name);
        }

        @Override
        public int sendBuffer() throws IOException {
            return s.sendBuffer(name);
        }

        @Override
        public int receiveBuffer() throws IOException {
            return s.receiveBuffer(name);
        }

        @Override
        public SocketAddress local() throws IOException {
            return s.localAddress(name);
        }

        @Override
        public SocketAddress remote() throws IOException {
            return s.remoteAddress(name);
        }

        @Override
        public boolean ready(boolean forRead) throws IOException {
            return s.kernelReady(forRead, name);
        }
    }
}

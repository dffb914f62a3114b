package dev.qio.benchmarks;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringDomainSocketChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerDomainSocketChannel;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Netty 4.2's transports as its documentation sets them up: a {@link MultiThreadIoEventLoopGroup}
 * over the transport's {@code IoHandler}, and the transport's own channel classes, TCP or unix
 * domain. Each peer benchmark gives the client and the server a group of one thread each, so each
 * end has its own event loop, as qio's ends have a thread each.
 */
enum NettyTransport {
    NIO(
            "Netty NIO",
            NioIoHandler::newFactory,
            NioSocketChannel.class,
            NioServerSocketChannel.class,
            NioDomainSocketChannel.class,
            NioServerDomainSocketChannel.class),
    EPOLL(
            "Netty epoll",
            EpollIoHandler::newFactory,
            EpollSocketChannel.class,
            EpollServerSocketChannel.class,
            EpollDomainSocketChannel.class,
            EpollServerDomainSocketChannel.class),
    IO_URING(
            "Netty io_uring",
            IoUringIoHandler::newFactory,
            IoUringSocketChannel.class,
            IoUringServerSocketChannel.class,
            IoUringDomainSocketChannel.class,
            IoUringServerDomainSocketChannel.class);

    final String label;
    private final Supplier<IoHandlerFactory> handler;
    private final Class<? extends Channel> tcp;
    private final Class<? extends ServerChannel> tcpServer;
    private final Class<? extends Channel> unix;
    private final Class<? extends ServerChannel> unixServer;

    NettyTransport(
            String label,
            Supplier<IoHandlerFactory> handler,
            Class<? extends Channel> tcp,
            Class<? extends ServerChannel> tcpServer,
            Class<? extends Channel> unix,
            Class<? extends ServerChannel> unixServer) {
        this.label = label;
        this.handler = handler;
        this.tcp = tcp;
        this.tcpServer = tcpServer;
        this.unix = unix;
        this.unixServer = unixServer;
    }

    /**
     * Throws, with Netty's own reason, if this transport cannot run here (no native library for
     * this platform, a kernel or a seccomp policy that refuses io_uring).
     */
    void ensureAvailable() {
        Throwable cause = switch (this) {
            case NIO -> null;
            case EPOLL -> Epoll.isAvailable() ? null : Epoll.unavailabilityCause();
            case IO_URING -> IoUring.isAvailable() ? null : IoUring.unavailabilityCause();
        };
        if (cause != null) {
            Throwable root = cause;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            throw new UnsupportedOperationException(root.getClass().getSimpleName() + ": " + root.getMessage(), cause);
        }
    }

    /** A group of one event loop thread. */
    EventLoopGroup group() {
        ensureAvailable();
        return new MultiThreadIoEventLoopGroup(1, handler.get());
    }

    Class<? extends Channel> channel(boolean unixDomain) {
        return unixDomain ? unix : tcp;
    }

    Class<? extends ServerChannel> serverChannel(boolean unixDomain) {
        return unixDomain ? unixServer : tcpServer;
    }

    /** The address type this transport's unix domain channels bind to. */
    SocketAddress unixAddress(Path path) {
        return this == NIO
                ? UnixDomainSocketAddress.of(path)
                : new io.netty.channel.unix.DomainSocketAddress(path.toFile());
    }

    /** Closes a client and a server (either may be null: setup failed) and shuts their groups down. */
    static void close(Channel client, Channel server, EventLoopGroup clientGroup, EventLoopGroup serverGroup)
            throws InterruptedException {
        try {
            if (client != null) {
                client.close().sync();
            }
            if (server != null) {
                server.close().sync();
            }
        } finally {
            clientGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
            serverGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}

package dev.qio.benchmarks;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * {@link ScaleReport}'s peer row: N idle loopback connections on Netty's epoll transport, each end
 * registered with an event loop (one for the clients, one for the servers) and waiting for input,
 * which is how Netty serves many connections: no thread per connection. Measured as the qio rows
 * are (heap after a full GC, resident set, descriptors, platform threads, idle minus before, per
 * connection, both ends); it serves no bytes, so its serving columns are empty.
 */
final class NettyIdle {
    private NettyIdle() {}

    /** A server handler that answers each read with what it read, as an echo does. */
    private static final class Echo extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.writeAndFlush(msg);
        }
    }

    static ScaleReport.Row measure(int n) throws Exception {
        NettyTransport.EPOLL.ensureAvailable();
        HeapHistogram histogramBefore = HeapHistogram.wanted() ? HeapHistogram.take() : null;
        ScaleReport.Snapshot before = ScaleReport.snapshot();
        EventLoopGroup clients = NettyTransport.EPOLL.group();
        EventLoopGroup servers = NettyTransport.EPOLL.group();
        ChannelGroup all = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
        ScaleReport.Snapshot idle;
        try {
            Channel listener = new ServerBootstrap()
                    .group(servers)
                    .channel(NettyTransport.EPOLL.serverChannel(false))
                    .childHandler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            all.add(ch);
                            ch.pipeline().addLast(new Echo());
                        }
                    })
                    .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                    .sync()
                    .channel();
            Bootstrap b = new Bootstrap()
                    .group(clients)
                    .channel(NettyTransport.EPOLL.channel(false))
                    .handler(
                            new ChannelInitializer<>() { // sharable; the clients never read in this row
                                @Override
                                protected void initChannel(Channel ch) {}
                            });
            for (int i = 0; i < n; i++) {
                all.add(b.connect(listener.localAddress()).sync().channel());
            }
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (all.size() < 2 * n) { // the server's children register on their loop a little later
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "Netty epoll: " + (all.size() - n) + " of " + n + " connections accepted");
                }
                Thread.sleep(10);
            }
            idle = ScaleReport.snapshot();
            if (histogramBefore != null) {
                System.err.printf(
                        "Netty epoll: heap per idle connection by class (the 12 that grew most)%n%s",
                        HeapHistogram.take().growthSince(histogramBefore, n, 12));
            }
            listener.close().sync();
            all.close().sync();
        } finally {
            clients.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
            servers.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
        Thread.sleep(200);
        ScaleReport.Snapshot after = ScaleReport.snapshot();
        return new ScaleReport.Row("tcp:// Netty epoll", "event loop", n, before, idle, after, -1, new long[0], -1);
    }
}

package dev.qio.benchmarks;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The ping-pong row of {@link Peers}: one end writes one byte and waits for the one-byte answer
 * an echo on the other end sends back; a round's rate is round trips per second. TCP_NODELAY on
 * every end.
 *
 * <p>qio: blocking channels, the benchmark thread and an echo thread (platform threads), or both
 * ends on virtual threads. The JDK: blocking {@code SocketChannel}s, both ends on virtual threads.
 * Netty: its echo example's shape, the server writing each read back and flushing in
 * {@code channelReadComplete}; the client writes the next ping (a 1-byte pooled direct buffer)
 * from {@code channelRead}, each end on an event loop of its own.
 */
final class PeerPingPong {
    private PeerPingPong() {}

    /** A blocking pair driven one round trip at a time, from the calling platform thread or a virtual thread. */
    abstract static class RoundTrips implements Contender {
        final boolean virtual;

        RoundTrips(boolean virtual) {
            this.virtual = virtual;
        }

        /** One round trip: write the ping, read the echo. */
        abstract void trip() throws IOException;

        @Override
        public double round(long nanos) throws Exception {
            return virtual ? Contender.onVirtualThread(() -> trips(nanos, this::trip)) : trips(nanos, this::trip);
        }
    }

    /** qio over {@code tcp://}, blocking; on platform threads or on virtual threads. */
    static final class Qio extends RoundTrips {
        private final QioEchoPair pair = new QioEchoPair() {};

        Qio(boolean virtual) throws IOException {
            super(virtual);
            pair.open(virtual);
        }

        @Override
        public String label() {
            return virtual ? "qio, virtual threads" : "qio, platform threads";
        }

        @Override
        void trip() throws IOException {
            pair.client.writeAll(pair.ping.clear());
            pair.client.readAll(pair.pong.clear());
        }

        @Override
        public void close() throws Exception {
            pair.close();
        }
    }

    /**
     * The JDK's blocking {@code SocketChannel}: {@link PingPong}'s raw pair with a platform echo
     * thread, driven from the calling platform thread (the native backend's baseline), or
     * {@link VirtualPingPong}'s, every end on a virtual thread.
     */
    static final class Jdk extends RoundTrips {
        private final PingPong.RawPair pair;

        Jdk(boolean virtual) throws IOException {
            super(virtual);
            pair = virtual ? new VirtualPingPong.Jdk() : new PingPong.Raw();
            pair.open();
        }

        @Override
        public String label() {
            return virtual ? "JDK SocketChannel, virtual threads" : "JDK SocketChannel, platform threads";
        }

        @Override
        void trip() throws IOException {
            PingPong.RawPair.writeFully(pair.client, pair.ping.clear());
            if (pair.client.read(pair.pong.clear()) < 0) {
                throw new IOException("the echo ended");
            }
        }

        @Override
        public void close() throws Exception {
            pair.close();
        }
    }

    /**
     * What a {@link RoundTrips} costs rather than how fast it goes: this process's CPU time per
     * round trip (both ends, the kernel's work on their behalf, and everything else the JVM ran
     * meanwhile), in microseconds. A blocking read that spins before it sleeps trades CPU for
     * latency; this row shows the price beside the rate.
     */
    static final class CpuPerTrip implements Contender {
        private final RoundTrips trips;

        CpuPerTrip(RoundTrips trips) {
            this.trips = trips;
        }

        @Override
        public String label() {
            return trips.label();
        }

        @Override
        public double round(long nanos) throws Exception {
            long cpu = ProcessCpu.nanos();
            long start = System.nanoTime();
            double rate = trips.round(nanos);
            double done = rate * ((System.nanoTime() - start) / 1e9);
            return (ProcessCpu.nanos() - cpu) / 1e3 / done;
        }

        @Override
        public void close() throws Exception {
            trips.close();
        }
    }

    /** Netty's echo: a client and a server of one transport, each on an event loop of its own. */
    static final class Netty implements Contender {
        private final NettyTransport transport;
        private final EventLoopGroup clientGroup;
        private final EventLoopGroup serverGroup;
        private final Channel server;
        private final Channel client;
        private final Pinger pinger = new Pinger();

        Netty(NettyTransport t) throws Exception {
            transport = t;
            t.ensureAvailable();
            clientGroup = t.group();
            serverGroup = t.group();
            Channel s = null;
            Channel c = null;
            try {
                s = new ServerBootstrap()
                        .group(serverGroup)
                        .channel(t.serverChannel(false))
                        .childOption(ChannelOption.TCP_NODELAY, true)
                        .childHandler(new ChannelInitializer<>() {
                            @Override
                            protected void initChannel(Channel ch) {
                                ch.pipeline().addLast(new Echo());
                            }
                        })
                        .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                        .sync()
                        .channel();
                c = new Bootstrap()
                        .group(clientGroup)
                        .channel(t.channel(false))
                        .option(ChannelOption.TCP_NODELAY, true)
                        .handler(pinger)
                        .connect(s.localAddress())
                        .sync()
                        .channel();
            } catch (Exception e) {
                server = s;
                client = c;
                close();
                throw e;
            }
            server = s;
            client = c;
        }

        @Override
        public String label() {
            return transport.label;
        }

        @Override
        public double round(long nanos) throws Exception {
            long start = System.nanoTime();
            long n = pinger.run(client, start + nanos).get(1, TimeUnit.MINUTES);
            return n / ((System.nanoTime() - start) / 1e9);
        }

        @Override
        public void close() throws Exception {
            NettyTransport.close(client, server, clientGroup, serverGroup);
        }
    }

    /** Netty's echo server handler, as in its examples: write back on read, flush when the read is complete. */
    static final class Echo extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg, ctx.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }
    }

    /** The client: the next ping from each answer, until the round's deadline. */
    @io.netty.channel.ChannelHandler.Sharable
    static final class Pinger extends ChannelInboundHandlerAdapter {
        private long deadline;
        private long count;
        private CompletableFuture<Long> done;

        CompletableFuture<Long> run(Channel ch, long deadline) {
            CompletableFuture<Long> f = new CompletableFuture<>();
            ch.eventLoop().execute(() -> {
                this.deadline = deadline;
                count = 0;
                done = f;
                ping(ch);
            });
            return f;
        }

        private static void ping(Channel ch) {
            ch.writeAndFlush(ch.alloc().directBuffer(1).writeByte(1), ch.voidPromise());
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf b = (ByteBuf) msg;
            int n = b.readableBytes();
            b.release();
            count += n;
            if (System.nanoTime() - deadline < 0) {
                ping(ctx.channel());
            } else {
                done.complete(count);
            }
        }
    }

    /** One round trip on the calling thread. */
    @FunctionalInterface
    interface Trip {
        void run() throws IOException;
    }

    /** Runs {@code trip} for about {@code nanos}; returns round trips per second. */
    static double trips(long nanos, Trip trip) throws IOException {
        long start = System.nanoTime();
        long end = start + nanos;
        long n = 0;
        do {
            trip.run();
            n++;
        } while (System.nanoTime() - end < 0);
        return n / ((System.nanoTime() - start) / 1e9);
    }
}

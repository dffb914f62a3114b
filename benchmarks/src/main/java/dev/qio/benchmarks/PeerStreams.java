package dev.qio.benchmarks;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.IoListener;
import dev.qio.channel.adapters.BufferedChannels;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslHandler;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.newsclub.net.unix.AFUNIXServerSocketChannel;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.newsclub.net.unix.AFUNIXSocketChannel;

/**
 * The stream rows of {@link Peers}: one end writes {@code size}-byte chunks from a direct buffer as
 * fast as it can, the other drains into 64 KiB and counts; a round's rate is the bytes sent over
 * the time until the last of them arrived. Kernel socket options are the defaults everywhere.
 *
 * <p>qio and the blocking peers write from the calling thread and drain on a platform thread (the
 * JDK's {@code SocketChannel} on virtual threads: both on virtual threads). Netty writes from its
 * client event loop in its documented pattern: {@code write} while the channel is writable (its
 * default 64 KiB high water mark), then one {@code flush}, and on the next writability change
 * again; the payload is a direct {@link ByteBuf} from Netty's default (pooling) allocator, written as a {@code retainedDuplicate()},
 * so, like qio's, no write copies the bytes in user space.
 *
 * <p>Past 400 lines because the stream loop of every baseline (blocking and virtual-thread JDK
 * sockets, junixsocket, Netty) stands beside qio's, so a reader can check that each side of a
 * ratio is measured the same way.
 */
final class PeerStreams {
    static final int READ_BUFFER = 64 * 1024;
    /** Chunks per batch in the batched qio variants: what Netty's 64 KiB watermark holds of 4 KiB writes. */
    static final int BATCH = 16;

    private PeerStreams() {}

    /** How qio writes a row's chunks. */
    enum Style {
        PLAIN("qio, writeAll per chunk"),
        WRITEV("qio, writevAll of " + BATCH + " chunks"),
        CORK("qio, corked " + BATCH + " × writeAll, uncork"),
        BUFFERED("qio, BufferedOutputStream (64 KiB) over newOutputStream"),
        /**
         * qio's write buffer, {@link BufferedChannels#buffered} with 64 KiB (Netty's high-water
         * mark), one {@code writeAll} per chunk and one {@code flush} per round: a system call
         * carries 16 chunks, as Netty's write-then-flush does, while the code writes one chunk at
         * a time, as users write.
         */
        LAYER("qio, BufferedChannels.buffered (64 KiB), writeAll per chunk");

        /** The write buffer's capacity in {@link #LAYER}. */
        static final int LAYER_CAPACITY = 64 * 1024;

        final String label;

        Style(String label) {
            this.label = label;
        }
    }

    /** A temporary directory holding one unix socket, deleted at close. */
    static final class SocketDir implements AutoCloseable {
        final Path dir;
        final Path socket;

        SocketDir() throws IOException {
            dir = Files.createTempDirectory("qio-peers");
            socket = dir.resolve("s.sock");
        }

        @Override
        public void close() throws IOException {
            Files.deleteIfExists(socket);
            Files.deleteIfExists(dir);
        }
    }

    /**
     * A writer on the calling thread (or a thread it starts) against a counting drain: the rounds
     * of every non-Netty stream contender.
     */
    abstract static class Blocking implements Contender {
        final Sink sink = new Sink();
        long sent;

        /** Writes one operation's bytes, all of them; returns how many. */
        abstract long op() throws IOException;

        /** Sends whatever the writer holds back (a buffered stream); nothing by default. */
        void finish() throws IOException {}

        @Override
        public double round(long nanos) throws Exception {
            long start = System.nanoTime();
            long end = start + nanos;
            long before = sent;
            do {
                sent += op();
            } while (System.nanoTime() - end < 0);
            finish();
            sink.await(sent);
            return (sent - before) / ((System.nanoTime() - start) / 1e9);
        }
    }

    /**
     * Starts a thread that reads {@code reader} into 64 KiB (direct) until end of stream and counts
     * the bytes in {@code sink}; if it fails it closes {@code writer}, so the writer fails too.
     */
    static Background drain(String name, IoChannel reader, Sink sink, IoChannel writer) {
        return Background.start(
                name,
                () -> {
                    ByteBuffer b = Buffers.direct(READ_BUFFER);
                    long n;
                    while ((n = reader.read(b.clear())) != IoChannel.EOF) {
                        sink.add(n);
                    }
                },
                () -> Background.quietly(writer::close));
    }

    /** A qio {@code tcp://} or {@code unix://} pair written in one of the {@link Style}s. */
    static final class Qio extends Blocking {
        private final Style style;
        private final int size;
        private final SocketDir dir;
        private final IoListener listener;
        private final IoChannel writer;
        private final IoChannel reader;
        private final Background drain;
        private final ByteBuffer buf;
        private final ByteBuffer[] iov;
        private final OutputStream out;
        private final byte[] bytes;

        Qio(boolean unix, int size, Style style) throws IOException {
            this.style = style;
            this.size = size;
            dir = unix ? new SocketDir() : null;
            listener = IoChannels.listen(unix ? "unix://" + dir.socket : "tcp://127.0.0.1:0");
            IoChannel client = IoChannels.open(listener.localUri());
            writer = style == Style.LAYER ? BufferedChannels.buffered(client, Style.LAYER_CAPACITY) : client;
            reader = listener.accept();
            buf = Buffers.direct(size);
            ByteBuffer batch = Buffers.direct(size * BATCH);
            iov = new ByteBuffer[BATCH];
            for (int i = 0; i < BATCH; i++) {
                iov[i] = batch.slice(i * size, size);
            }
            out = new BufferedOutputStream(IoChannels.newOutputStream(writer), 64 * 1024);
            bytes = new byte[size];
            drain = drain("qio-drain", reader, sink, writer);
        }

        @Override
        public String label() {
            return style.label;
        }

        @Override
        long op() throws IOException {
            switch (style) {
                case PLAIN -> writer.writeAll(buf.clear());
                case WRITEV -> {
                    for (ByteBuffer b : iov) {
                        b.clear();
                    }
                    writer.writevAll(iov);
                    return (long) size * BATCH;
                }
                case CORK -> {
                    writer.setCork(true);
                    for (int i = 0; i < BATCH; i++) {
                        writer.writeAll(buf.clear());
                    }
                    writer.setCork(false);
                    return (long) size * BATCH;
                }
                case BUFFERED -> out.write(bytes);
                case LAYER -> writer.writeAll(buf.clear());
            }
            return size;
        }

        @Override
        void finish() throws IOException {
            switch (style) {
                case BUFFERED -> out.flush();
                case LAYER -> writer.flush();
                default -> {}
            }
        }

        @Override
        public void close() throws Exception {
            try {
                drain.stop(writer::close, reader::close, listener::close);
            } finally {
                if (dir != null) {
                    dir.close();
                }
            }
        }
    }

    /**
     * A blocking {@link SocketChannel} pair, written from a direct buffer: the JDK's own on
     * virtual threads (the writer loop on a virtual thread per round, the drain on one; the JDK
     * parks them in its poller, the way a virtual-thread server is written), or junixsocket's
     * {@link AFUNIXSocketChannel} on platform threads (its NIO channel with a direct buffer, its
     * fastest documented path; it subclasses {@code SocketChannel}).
     */
    static final class Raw extends Blocking {
        private final String label;
        private final boolean virtual;
        private final int size;
        private final SocketDir dir;
        private final ServerSocketChannel server;
        private final SocketChannel writer;
        private final SocketChannel reader;
        private final Background drain;
        private final ByteBuffer buf;

        private Raw(
                String label, boolean virtual, int size, SocketDir dir, ServerSocketChannel server, SocketAddress at)
                throws IOException {
            this.label = label;
            this.virtual = virtual;
            this.size = size;
            this.dir = dir;
            this.server = server;
            writer =
                    server instanceof AFUNIXServerSocketChannel ? AFUNIXSocketChannel.open(at) : SocketChannel.open(at);
            reader = server.accept();
            buf = Buffers.direct(size);
            Background.Loop loop = () -> {
                ByteBuffer b = Buffers.direct(READ_BUFFER);
                int n;
                while ((n = reader.read(b.clear())) >= 0) {
                    sink.add(n);
                }
            };
            Runnable failed = () -> Background.quietly(writer::close);
            drain = virtual
                    ? Background.startVirtual("jdk-drain", loop, failed)
                    : Background.start("raw-drain", loop, failed);
        }

        /** The JDK's blocking {@code SocketChannel}, TCP or unix, on virtual or platform threads. */
        static Raw jdk(boolean unix, int size, boolean virtual) throws IOException {
            String label = "JDK SocketChannel, " + (virtual ? "virtual" : "platform") + " threads";
            if (unix) {
                SocketDir dir = new SocketDir();
                UnixDomainSocketAddress at = UnixDomainSocketAddress.of(dir.socket);
                return new Raw(
                        label,
                        virtual,
                        size,
                        dir,
                        ServerSocketChannel.open(StandardProtocolFamily.UNIX).bind(at),
                        at);
            }
            ServerSocketChannel server =
                    ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return new Raw(label, virtual, size, null, server, server.getLocalAddress());
        }

        /** junixsocket's channel over a unix socket, platform threads. */
        static Raw junixsocket(int size) throws IOException {
            SocketDir dir = new SocketDir();
            AFUNIXSocketAddress at = AFUNIXSocketAddress.of(dir.socket);
            AFUNIXServerSocketChannel server = AFUNIXServerSocketChannel.open();
            server.bind(at);
            return new Raw("junixsocket AFUNIXSocketChannel", false, size, dir, server, at);
        }

        @Override
        public String label() {
            return label;
        }

        @Override
        long op() throws IOException {
            ByteBuffer b = buf.clear();
            while (b.hasRemaining()) {
                writer.write(b);
            }
            return size;
        }

        @Override
        public double round(long nanos) throws Exception {
            return virtual ? Contender.onVirtualThread(() -> super.round(nanos)) : super.round(nanos);
        }

        @Override
        public void close() throws Exception {
            try {
                drain.stop(writer::close, reader::close, server::close);
            } finally {
                if (dir != null) {
                    dir.close();
                }
            }
        }
    }

    /**
     * A Netty client and server of one transport, each on an event loop of its own; the server
     * counts what it reads (and releases it). {@code clientTls} and {@code serverTls}, when given,
     * put an {@link SslHandler} at the front of each pipeline; the client's learns the server's
     * address.
     */
    static final class Netty implements Contender {
        private final String label;
        private final int size;
        private final EventLoopGroup clientGroup;
        private final EventLoopGroup serverGroup;
        private final SocketDir dir;
        private final Channel server;
        private final Channel client;
        private final Pump pump;
        private final Sink sink = new Sink();
        private long sent;

        Netty(
                NettyTransport t,
                boolean unix,
                int size,
                String label,
                BiFunction<Channel, SocketAddress, SslHandler> clientTls,
                java.util.function.Function<Channel, SslHandler> serverTls)
                throws Exception {
            this.label = label;
            this.size = size;
            t.ensureAvailable();
            clientGroup = t.group();
            serverGroup = t.group();
            try {
                dir = unix ? new SocketDir() : null;
                SocketAddress at =
                        unix ? t.unixAddress(dir.socket) : new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
                server = new ServerBootstrap()
                        .group(serverGroup)
                        .channel(t.serverChannel(unix))
                        .childHandler(new ChannelInitializer<>() {
                            @Override
                            protected void initChannel(Channel ch) {
                                ChannelPipeline p = ch.pipeline();
                                if (serverTls != null) {
                                    p.addLast(serverTls.apply(ch));
                                }
                                p.addLast(new Counter(sink));
                            }
                        })
                        .bind(at)
                        .sync()
                        .channel();
                ByteBuf payload = ByteBufAllocator.DEFAULT.directBuffer(size, size);
                payload.writerIndex(size);
                pump = new Pump(payload, clientTls != null);
                client = new Bootstrap()
                        .group(clientGroup)
                        .channel(t.channel(unix))
                        .handler(new ChannelInitializer<>() {
                            @Override
                            protected void initChannel(Channel ch) {
                                if (clientTls != null) {
                                    ch.pipeline().addLast(clientTls.apply(ch, server.localAddress()));
                                }
                                ch.pipeline().addLast(pump);
                            }
                        })
                        .connect(server.localAddress())
                        .sync()
                        .channel();
                SslHandler tls = client.pipeline().get(SslHandler.class);
                if (tls != null) {
                    tls.handshakeFuture().get(30, TimeUnit.SECONDS);
                }
            } catch (Exception e) {
                close();
                throw e;
            }
        }

        @Override
        public String label() {
            return label;
        }

        /** The client's pipeline: the TLS session it negotiated, if any, for the label. */
        Channel client() {
            return client;
        }

        @Override
        public double round(long nanos) throws Exception {
            long start = System.nanoTime();
            long written = pump.run(client, start + nanos).get(1, TimeUnit.MINUTES);
            sent += written;
            sink.await(sent);
            return written / ((System.nanoTime() - start) / 1e9);
        }

        @Override
        public void close() throws Exception {
            try {
                NettyTransport.close(client, server, clientGroup, serverGroup);
            } finally {
                if (dir != null) {
                    dir.close();
                }
            }
        }
    }

    /** The server's handler: counts and releases what it reads. */
    static final class Counter extends ChannelInboundHandlerAdapter {
        private final Sink sink;

        Counter(Sink sink) {
            this.sink = sink;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf b = (ByteBuf) msg;
            sink.add(b.readableBytes());
            b.release();
        }
    }

    /**
     * The client's handler, all on its event loop: writes the payload while the channel is
     * writable, flushes, and resumes when it is writable again, until the round's deadline.
     * Under TLS a batch also ends at 256 KiB, so a flush (which encrypts) comes regularly even if
     * the handler in front queued the writes without counting them against writability.
     */
    static final class Pump extends ChannelInboundHandlerAdapter {
        private static final long TLS_BATCH = 256 * 1024;
        private final ByteBuf payload;
        private final boolean tls;
        private Channel ch;
        private long deadline;
        private long written;
        private boolean running;
        private boolean pumping;
        private CompletableFuture<Long> done;

        Pump(ByteBuf payload, boolean tls) {
            this.payload = payload;
            this.tls = tls;
        }

        CompletableFuture<Long> run(Channel ch, long deadline) {
            CompletableFuture<Long> f = new CompletableFuture<>();
            ch.eventLoop().execute(() -> {
                this.ch = ch;
                this.deadline = deadline;
                written = 0;
                done = f;
                running = true;
                pump();
            });
            return f;
        }

        private void pump() {
            if (!running || pumping) {
                return;
            }
            pumping = true;
            try {
                long batch = 0;
                while (ch.isWritable() && !(tls && batch >= TLS_BATCH)) {
                    if (System.nanoTime() - deadline >= 0) {
                        ch.flush();
                        running = false;
                        done.complete(written);
                        return;
                    }
                    ch.write(payload.retainedDuplicate(), ch.voidPromise());
                    written += payload.readableBytes();
                    batch += payload.readableBytes();
                }
                ch.flush();
                if (ch.isWritable()) {
                    ch.eventLoop().execute(this::pump); // the flush took it all: the next batch after pending I/O
                }
            } finally {
                pumping = false;
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) {
                pump();
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ((ByteBuf) msg).release(); // a TLS 1.3 session ticket's leftovers, if anything
        }
    }
}

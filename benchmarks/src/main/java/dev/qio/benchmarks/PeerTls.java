package dev.qio.benchmarks;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.IoListener;
import dev.qio.provider.tls.TlsChannel;
import io.netty.channel.Channel;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * The {@code tls+tcp} row of {@link Peers}: bulk writes of {@code size} bytes over TLS 1.3 on
 * loopback, with the same certificates on every side ({@link TlsCreds}: an EC P-256 CA, server and
 * client certificates), mutual authentication, the client checking the server's certificate
 * against {@code 127.0.0.1}, both handshakes before the first round. Each side writes from a
 * direct buffer and the other end counts what it decrypts (into 64 KiB). The labels name the
 * cipher suite each pair negotiated: the libraries' defaults (the JDK prefers AES-256-GCM, Netty's
 * contexts AES-128-GCM), and a second qio line told to use Netty's choice, so one line compares
 * the same cipher.
 *
 * <p>Netty: {@link SslHandler} from an {@link SslContext} built with {@link SslContextBuilder}
 * (the documented way) on the JDK's engine or on BoringSSL (netty-tcnative, {@link SslProvider#OPENSSL}),
 * on the epoll transport, written as the stream rows write.
 */
final class PeerTls {
    private PeerTls() {}

    /**
     * qio's {@code tls+tcp://}, blocking, the writer on the calling thread; with {@code suite}
     * (not null) both ends allow only that cipher suite ({@code ciphers=}), else the JDK's default order.
     */
    static final class Qio extends PeerStreams.Blocking {
        private final int size;
        private final IoListener listener;
        private final IoChannel writer;
        private final IoChannel reader;
        private final Background drain;
        private final ByteBuffer buf;
        private final String label;

        Qio(int size, String suite) throws Exception {
            this.size = size;
            TlsCreds creds = TlsCreds.get();
            String only = suite == null ? "" : "&ciphers=" + suite;
            listener = IoChannels.listen("tls+tcp://127.0.0.1:0?" + creds.qioOptions() + only);
            TlsStream.Connected<IoChannel, IoChannel> c = TlsStream.connect(
                    () -> IoChannels.open(creds.withOptions(listener.localUri()) + only), listener::accept);
            writer = c.client();
            reader = c.server();
            String negotiated = ((TlsChannel) writer).session().getCipherSuite();
            label = suite == null ? "qio tls+tcp:// (" + negotiated + ")" : "qio tls+tcp://…&ciphers=" + negotiated;
            buf = Buffers.direct(size);
            drain = PeerStreams.drain("qio-tls-drain", reader, sink, writer);
        }

        @Override
        public String label() {
            return label;
        }

        @Override
        long op() throws IOException {
            writer.writeAll(buf.clear());
            return size;
        }

        @Override
        public void close() throws Exception {
            // close_notify first, as TlsStream.Qio does and for the same reason
            drain.stop(((TlsChannel) writer)::bye, writer::close, reader::close, listener::close);
        }
    }

    /** Netty's {@link SslHandler} on {@code provider}, over the epoll transport. */
    static Contender netty(SslProvider provider, int size) throws Exception {
        if (provider == SslProvider.OPENSSL && !OpenSsl.isAvailable()) {
            throw new UnsupportedOperationException("netty-tcnative: " + OpenSsl.unavailabilityCause());
        }
        File dir = TlsCreds.get().dir().toFile();
        SslContext server = SslContextBuilder.forServer(
                        new File(dir, "server-cert.pem"), new File(dir, "server-key.pem"))
                .trustManager(new File(dir, "ca-cert.pem"))
                .clientAuth(ClientAuth.REQUIRE)
                .protocols(TlsCreds.PROTOCOL)
                .sslProvider(provider)
                .build();
        SslContext client = SslContextBuilder.forClient()
                .keyManager(new File(dir, "client-cert.pem"), new File(dir, "client-key.pem"))
                .trustManager(new File(dir, "ca-cert.pem"))
                .endpointIdentificationAlgorithm("HTTPS")
                .protocols(TlsCreds.PROTOCOL)
                .sslProvider(provider)
                .build();
        String engine = provider == SslProvider.JDK ? "JDK engine" : "BoringSSL (netty-tcnative)";
        PeerStreams.Netty n = new PeerStreams.Netty(
                NettyTransport.EPOLL,
                false,
                size,
                "",
                (ch, to) -> client.newHandler(ch.alloc(), "127.0.0.1", ((InetSocketAddress) to).getPort()),
                ch -> server.newHandler(ch.alloc()));
        Channel c = n.client();
        String suite = c.pipeline().get(SslHandler.class).engine().getSession().getCipherSuite();
        return new Contender() {
            @Override
            public String label() {
                return "Netty SslHandler, " + engine + ", epoll (" + suite + ")";
            }

            @Override
            public double round(long nanos) throws Exception {
                return n.round(nanos);
            }

            @Override
            public void close() throws Exception {
                n.close();
            }
        };
    }
}

package dev.qio.channel.adapters;

import dev.qio.channel.IoChannel;
import dev.qio.provider.tls.TlsChannel;
import dev.qio.provider.tls.TlsChannels;
import dev.qio.provider.tls.TlsCredentials;
import dev.qio.testkit.ChannelContract;
import dev.qio.testkit.ChannelFixture;
import dev.qio.testkit.ChannelPair;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tls+} carried by user sockets: both ends are {@code SocketChannel}s wrapped by
 * {@link ForeignChannels#ofSocket}, each wrapped again by hand with {@link TlsChannels}. The server's
 * key is a self-signed one the JDK's keytool makes; neither end verifies the other, because what is
 * under test is the carrying, not the PKI (provider-tls's own tests cover that).
 */
class TlsOverForeignSocketConformanceTest extends ChannelContract {
    private static final char[] PASSWORD = "qio-adapters".toCharArray();

    @TempDir
    static Path dir;

    private static TlsCredentials server;
    private static TlsCredentials client;

    @Override
    protected ChannelFixture fixture() {
        return ChannelFixture.of("tls+foreign-socket", Pairs.STREAM, TlsOverForeignSocketConformanceTest::open);
    }

    private static ChannelPair open() throws IOException {
        credentials();
        IoChannel[] ends = Pairs.wrappedSockets();
        try {
            TlsChannel c = TlsChannels.client(ends[0], client, null);
            TlsChannel s = TlsChannels.server(ends[1], server);
            CompletableFuture<Void> serverSide = CompletableFuture.runAsync(() -> {
                try {
                    s.handshake();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            c.handshake();
            serverSide.join();
            return ChannelPair.of(c, s);
        } catch (IOException | RuntimeException e) {
            ends[0].close();
            ends[1].close();
            throw e;
        }
    }

    private static synchronized void credentials() throws IOException {
        if (server != null) {
            return;
        }
        Path store = Pairs.selfSignedKeystore(dir, PASSWORD);
        server = TlsCredentials.builder()
                .endpoint(TlsCredentials.Endpoint.SERVER)
                .pkcs12(store)
                .password(PASSWORD)
                .verifyPeer(false)
                .build();
        client = TlsCredentials.builder()
                .endpoint(TlsCredentials.Endpoint.CLIENT)
                .verifyPeer(false)
                .build();
    }
}

/**
 * The {@code tls+} layer: QEMU's QIOChannelTLS on the JDK's {@link javax.net.ssl.SSLEngine}, over
 * any qio channel ({@code tls+tcp://}, {@code tls+unix://}, {@code tls+mem://}, or one a user
 * wraps by hand with {@link dev.qio.provider.tls.TlsChannels}).
 *
 * <p>Exports {@code dev.qio.provider.tls}: credentials, the authorization list, the factory for
 * wrapping a channel by hand and the {@link dev.qio.provider.tls.TlsChannel} view with its
 * handshake, {@code bye} and session. Opening by URI needs none of it.
 */
module dev.qio.provider.tls {
    requires transitive dev.qio.channel;
    requires dev.qio.channel.spi;
    requires org.bouncycastle.pkix;
    requires org.bouncycastle.provider;
    // The dev.qio.TlsHandshake JFR event.
    requires jdk.jfr;
    requires static com.google.auto.service;

    exports dev.qio.provider.tls;

    provides dev.qio.channel.ChannelProvider with
            dev.qio.provider.tls.TlsProvider;
}

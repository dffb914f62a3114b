/**
 * The provider kit: {@link dev.qio.channel.spi.AbstractIoChannel} holds every generic algorithm
 * (gating, the {@code *All} loops, watches, waiting), so a provider implements only its transport.
 * {@link dev.qio.channel.spi.AbstractIoListener} does the same for listeners, and
 * {@link dev.qio.channel.spi.LayerUri} with {@link dev.qio.channel.spi.LayerListener} for layers
 * over another scheme. Also URI option parsing, iov helpers, readiness plumbing and native
 * descriptor helpers.
 */
module dev.qio.channel.spi {
    requires transitive dev.qio.channel;

    exports dev.qio.channel.spi;
    exports dev.qio.channel.spi.linux;
}

/**
 * The provider kit: {@link dev.qio.channel.spi.AbstractIoChannel} holds every generic algorithm
 * (gating, the {@code *All} loops, watches, waiting), so a provider implements only its transport.
 * {@link dev.qio.channel.spi.AbstractIoListener} does the same for listeners, and
 * {@link dev.qio.channel.spi.LayerUri} with {@link dev.qio.channel.spi.LayerListener} for layers
 * over another scheme. Also URI option parsing, iov helpers, readiness plumbing and native
 * descriptor helpers.
 *
 * <p>Every channel built on the base class records JFR events while a recording enables them:
 * {@code dev.qio.ChannelOpen}, {@code dev.qio.ChannelClose} (lifetime, bytes read and written),
 * {@code dev.qio.ChannelRead} and {@code dev.qio.ChannelWrite} (above a 20 ms threshold, as
 * {@code jdk.SocketRead}), {@code dev.qio.DescriptorPass}; listeners record {@code dev.qio.Accept}.
 */
module dev.qio.channel.spi {
    requires transitive dev.qio.channel;
    // JFR events (ChannelEvents): recorded only while a recording enables them.
    requires jdk.jfr;

    exports dev.qio.channel.spi;
    exports dev.qio.channel.spi.linux;
}

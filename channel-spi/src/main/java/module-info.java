/**
 * The provider kit: {@link dev.qio.channel.spi.AbstractIoChannel} holds every generic algorithm
 * (gating, the {@code *All} loops, watches, waiting), so a provider implements only its transport.
 * Also URI option parsing, iov helpers, readiness plumbing and native descriptor helpers.
 */
module dev.qio.channel.spi {
    requires transitive dev.qio.channel;

    exports dev.qio.channel.spi;
}

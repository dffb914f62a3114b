/**
 * The qio channel contract: QEMU's {@code QIOChannel} for Java.
 *
 * <p>Users code against {@link dev.qio.channel.IoChannel} and open channels by URI with
 * {@link dev.qio.channel.IoChannels}. Providers plug in as {@link dev.qio.channel.ChannelProvider}
 * services. This module depends on nothing but {@code java.base}, so the contract never pulls a
 * library into its users' module graph.
 */
module dev.qio.channel {
    exports dev.qio.channel;

    uses dev.qio.channel.ChannelProvider;
}

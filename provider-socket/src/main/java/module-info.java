/**
 * The {@code tcp:} and {@code unix:} schemes: QEMU's QIOChannelSocket and QIONetListener on
 * {@code java.nio} socket channels. Nothing is exported; channels are reached through
 * {@link dev.qio.channel.IoChannels}.
 */
module dev.qio.provider.socket {
    requires dev.qio.channel.spi;
    requires static com.google.auto.service;

    provides dev.qio.channel.ChannelProvider with
            dev.qio.provider.socket.LinuxSocketProvider,
            dev.qio.provider.socket.SocketProvider;
}

/**
 * The {@code tcp:} and {@code unix:} schemes: QEMU's QIOChannelSocket and QIONetListener, on
 * Linux-native sockets where the native backend runs and on {@code java.nio} socket channels
 * elsewhere; and {@code fd:}, an inherited or socket-activated descriptor adopted as a channel or
 * listener (QEMU's {@code qio_channel_new_fd}; native backend only). Nothing is exported; channels
 * are reached through {@link dev.qio.channel.IoChannels}.
 */
module dev.qio.provider.socket {
    requires dev.qio.channel.spi;
    requires static com.google.auto.service;

    provides dev.qio.channel.ChannelProvider with
            dev.qio.provider.socket.LinuxSocketProvider,
            dev.qio.provider.socket.FdProvider,
            dev.qio.provider.socket.SocketProvider;
}

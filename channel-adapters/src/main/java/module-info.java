/**
 * Channels qio did not open, as {@link dev.qio.channel.IoChannel}s with the features they really
 * have: {@link dev.qio.channel.adapters.ForeignChannels} wraps a {@code java.nio}
 * {@link java.nio.channels.SocketChannel} or a pair of {@code java.io} streams, so that they can
 * run the conformance kit and carry a layer such as {@code tls+}. A {@code FileChannel} and a
 * {@code Process} are wrapped by the modules that own those transports
 * ({@code FileChannels.wrap}, {@code CommandChannels.adopt}). The other way round, an
 * {@code IoChannel} as a stream or a {@code java.nio} channel, is in the api
 * ({@link dev.qio.channel.IoChannels#newInputStream}).
 */
module dev.qio.channel.adapters {
    requires transitive dev.qio.channel;
    requires dev.qio.channel.spi;

    exports dev.qio.channel.adapters;
}

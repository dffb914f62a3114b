/**
 * In-process channels: {@code mem://NAME} pipes between a listener and its clients,
 * {@code buffer:} (a growable, seekable byte buffer) and {@code null:} (reads EOF, writes discard).
 *
 * <p>Exports nothing: users reach these channels through {@code dev.qio.channel.IoChannels} and the
 * {@link dev.qio.channel.IoChannel} contract, never through their classes.
 */
module dev.qio.provider.memory {
    requires dev.qio.channel.spi;
    requires static com.google.auto.service;

    provides dev.qio.channel.ChannelProvider with
            dev.qio.provider.memory.MemoryProvider;
}

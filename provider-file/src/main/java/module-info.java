/**
 * Files as qio channels: QEMU's {@code QIOChannelFile}, as the {@code file:} scheme of
 * {@code dev.qio.channel.IoChannels} and, for code that has a {@link java.nio.file.Path} rather than
 * a URI, as {@link dev.qio.provider.file.FileChannels#open(java.nio.file.Path, java.nio.file.OpenOption...)}.
 *
 * <p>Exports {@code dev.qio.provider.file} for those two public types: {@code FileChannels} and
 * {@code FileProvider} (so that a {@code ChannelRegistry.of(new FileProvider())} can be built by
 * hand). The channel class itself stays private; users see the {@link dev.qio.channel.IoChannel}
 * contract.
 */
module dev.qio.provider.file {
    requires transitive dev.qio.channel;
    requires dev.qio.channel.spi;
    requires static com.google.auto.service;

    exports dev.qio.provider.file;

    provides dev.qio.channel.ChannelProvider with
            dev.qio.provider.file.FileProvider;
}

/**
 * The {@code gzip+SCHEME://…} layer: writes are gzip-compressed into the inner channel, reads are
 * decompressed from it. Exports nothing: users reach it through {@code dev.qio.channel.IoChannels}.
 */
module org.example.qio.gzip {
    requires dev.qio.channel.spi;
    requires static com.google.auto.service;

    provides dev.qio.channel.ChannelProvider with org.example.qio.gzip.GzipProvider;
}

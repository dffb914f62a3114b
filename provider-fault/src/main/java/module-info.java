/**
 * The {@code fault+} layer: over any qio channel ({@code fault+mem://}, {@code fault+tcp://}, ...)
 * it splits reads and writes at random points, returns spurious {@code ERR_BLOCK} in
 * non-blocking mode, ends the stream or resets after a number of bytes, and fails a write, all
 * from one seed, so a failure reproduces. For testing code that uses channels, and for the kit.
 *
 * <p>Exports nothing: channels are opened by URI (see {@code FaultProvider} for the options).
 */
module dev.qio.provider.fault {
    requires dev.qio.channel.spi;
    requires static com.google.auto.service;

    provides dev.qio.channel.ChannelProvider with
            dev.qio.provider.fault.FaultProvider;
}

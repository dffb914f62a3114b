/**
 * A child process as a qio channel: QEMU's {@code QIOChannelCommand}, as the {@code command:}
 * scheme of {@code dev.qio.channel.IoChannels} and, for code that has an argv rather than a URI, as
 * {@link dev.qio.provider.command.CommandChannels#spawn(java.util.List, dev.qio.provider.command.CommandOptions)}.
 *
 * <p>Exports {@code dev.qio.provider.command} for its small programmatic API:
 * {@code CommandChannels}, {@code CommandOptions}, {@code CommandChannel} (exit status and pid),
 * {@code CommandExitException} and {@code CommandProvider} (so that a
 * {@code ChannelRegistry.of(new CommandProvider())} can be built by hand). The channel class itself
 * stays private.
 */
module dev.qio.provider.command {
    // The exported API extends and returns dev.qio.channel types, so users of this module read it too.
    requires transitive dev.qio.channel;
    requires dev.qio.channel.spi;
    requires static com.google.auto.service;

    exports dev.qio.provider.command;

    provides dev.qio.channel.ChannelProvider with
            dev.qio.provider.command.CommandProvider;
}

/**
 * The {@code qio} command: list the installed providers, copy and relay bytes between channel
 * URIs, accept clients, and run the conformance kit against every provider that ships a fixture.
 *
 * <p>Providers and fixtures are services: this module names no provider, it binds whatever the
 * module path (and {@code --provider-path}) holds. A third party ships its fixtures as a
 * {@link dev.qio.testkit.FixtureSource}, the kit's service, beside its provider. Exports nothing.
 */
module dev.qio.cli {
    requires dev.qio.channel;
    requires dev.qio.testkit;
    // The fd fixture's descriptor pairs (dev.qio.channel.spi.linux.NativePairs).
    requires dev.qio.channel.spi;
    requires info.picocli;
    requires org.junit.platform.launcher;

    // picocli injects options and parameters into the command objects reflectively.
    opens dev.qio.cli to
            info.picocli;
    // JUnit instantiates FixtureContract and calls the kit's factories on it reflectively.
    opens dev.qio.cli.kit to
            org.junit.platform.commons;

    uses dev.qio.channel.ChannelProvider;
    uses dev.qio.testkit.FixtureSource;

    provides dev.qio.testkit.FixtureSource with
            dev.qio.cli.kit.BuiltinFixtures;
}

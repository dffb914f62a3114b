/**
 * The {@code qio} command: list the installed providers, copy and relay bytes between channel
 * URIs, accept clients, and run the conformance kit against every provider that ships a fixture.
 *
 * <p>Providers and fixtures are services: this module names no provider, it binds whatever the
 * module path (and {@code --provider-path}) holds. Exports {@code dev.qio.cli.kit} so that a third
 * party can ship a {@link dev.qio.cli.kit.FixtureSource} beside its provider.
 */
module dev.qio.cli {
    // Transitive: FixtureSource, exported for third parties, speaks ChannelRegistry and ChannelFixture.
    requires transitive dev.qio.channel;
    requires transitive dev.qio.testkit;
    requires info.picocli;
    requires org.junit.platform.launcher;

    exports dev.qio.cli.kit;

    // picocli injects options and parameters into the command objects reflectively.
    opens dev.qio.cli to info.picocli;
    // JUnit instantiates FixtureContract and calls the kit's factories on it reflectively.
    opens dev.qio.cli.kit to org.junit.platform.commons;

    uses dev.qio.channel.ChannelProvider;
    uses dev.qio.cli.kit.FixtureSource;

    provides dev.qio.cli.kit.FixtureSource with dev.qio.cli.kit.BuiltinFixtures;
}

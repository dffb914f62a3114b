/**
 * The qio conformance kit: properties with generated inputs, shrinking and a printed seed, run
 * against any provider's channels. A provider author writes one {@link dev.qio.testkit.ChannelFixture}
 * and one subclass of {@link dev.qio.testkit.ChannelContract}, and may ship the fixture to runners such
 * as {@code qio conformance} as a {@link dev.qio.testkit.FixtureSource}. The provider's own tests
 * find small helpers here too: {@link dev.qio.testkit.Background} and {@link dev.qio.testkit.TestIo}.
 */
module dev.qio.testkit {
    requires transitive dev.qio.channel;
    requires dev.qio.channel.spi;
    requires transitive org.junit.jupiter.api;

    exports dev.qio.testkit;
    exports dev.qio.testkit.property;

    // JUnit discovers and calls the contract's test factories reflectively.
    opens dev.qio.testkit to
            org.junit.platform.commons;
}

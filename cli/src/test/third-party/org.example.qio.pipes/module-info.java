/**
 * A third party's provider, as the cli's tests load it with --provider-path: compiled and jarred by
 * the tests (ThirdParty.jar()), never by Maven, and loaded in a module layer of its own.
 *
 * <ul>
 *   <li>{@code pipe:///DIR}: a one-way, cross-process rendezvous over a FIFO {@code DIR/fifo}.
 *       {@code listen} makes the FIFO and each {@code accept} opens its read end; {@code open} opens
 *       its write end. Both ends are the built-in {@code file:} channels, reached through the registry.
 *   <li>{@code offbyone:}: a {@code buffer:} channel. Its fixture is broken on purpose (it rewinds to
 *       1, not 0), so {@code qio conformance offbyone} must report failures and exit 1.
 * </ul>
 */
module org.example.qio.pipes {
    requires dev.qio.channel;
    requires dev.qio.testkit;

    provides dev.qio.channel.ChannelProvider with org.example.qio.pipes.PipeProvider;
    provides dev.qio.testkit.FixtureSource with org.example.qio.pipes.OffByOneFixtures;
}

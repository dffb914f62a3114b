package dev.qio.cli.kit;

import dev.qio.channel.ChannelRegistry;
import dev.qio.testkit.ChannelFixture;
import java.util.List;

/**
 * A service that hands {@code qio conformance} the conformance fixtures of one or more providers,
 * so the command can run the kit against channels it knows nothing about. A provider module ships
 * one beside its {@code ChannelProvider}:
 *
 * <pre>{@code
 * provides dev.qio.cli.kit.FixtureSource with com.example.MyFixtures;
 * }</pre>
 *
 * <p>{@code qio conformance SCHEME} selects the fixtures whose {@linkplain ChannelFixture#name() name}
 * is {@code SCHEME} or starts with {@code SCHEME-} ({@code file} selects {@code file} and
 * {@code file-rw}), so name fixtures after the scheme they test.
 *
 * <p>Meant to move to the test-kit module ({@code dev.qio.testkit.FixtureSource}) so that a third
 * party needs no dependency on the command; until then it lives here.
 */
public interface FixtureSource {
    /**
     * Makes this source's fixtures, each ready to open pairs. A fixture that holds resources
     * (a temporary directory, a server) may implement {@link AutoCloseable}; the caller closes it
     * after its run.
     *
     * @param registry the registry the command uses (the installed providers, plus those of
     *     {@code --provider-path}); open channels through it rather than through
     *     {@code IoChannels}, so a provider loaded from a plug-in directory is found
     */
    List<ChannelFixture> fixtures(ChannelRegistry registry);
}

package dev.qio.testkit;

import dev.qio.channel.ChannelRegistry;
import java.util.List;

/**
 * A service that hands a runner, such as {@code qio conformance}, the conformance fixtures of one or
 * more providers, so it can run the kit against channels it knows nothing about. A module ships
 * one beside its {@code ChannelProvider} and needs only this kit for it:
 *
 * <pre>{@code
 * provides dev.qio.testkit.FixtureSource with com.example.MyFixtures;
 * }</pre>
 *
 * <p>{@code qio conformance SCHEME} selects the fixtures whose {@linkplain ChannelFixture#name() name}
 * is {@code SCHEME} or starts with {@code SCHEME-} ({@code file} selects {@code file} and
 * {@code file-rw}), so name fixtures after the scheme they test.
 */
public interface FixtureSource {
    /**
     * Makes this source's fixtures, each ready to open pairs. A fixture that holds resources
     * (a temporary directory, a server) may implement {@link AutoCloseable}; the caller closes it
     * after its run.
     *
     * @param registry the registry the runner uses (for {@code qio}, the installed providers plus
     *     those of {@code --provider-path}); open channels through it rather than through
     *     {@code IoChannels}, so a provider loaded from a plug-in directory is found
     */
    List<ChannelFixture> fixtures(ChannelRegistry registry);
}

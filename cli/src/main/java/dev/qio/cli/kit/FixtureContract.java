package dev.qio.cli.kit;

import dev.qio.testkit.ChannelContract;
import dev.qio.testkit.ChannelFixture;

/**
 * The one concrete {@link ChannelContract} of the command: its fixture is whichever
 * {@link KitRunner} set before launching JUnit on this class. Runs are sequential, one fixture at
 * a time, so one field is enough.
 */
final class FixtureContract extends ChannelContract {
    /** The fixture of the run in progress; written by {@link KitRunner} before each launch. */
    static volatile ChannelFixture current;

    @Override
    protected ChannelFixture fixture() {
        ChannelFixture f = current;
        if (f == null) {
            throw new IllegalStateException("FixtureContract runs only through KitRunner, which sets its fixture");
        }
        return f;
    }
}

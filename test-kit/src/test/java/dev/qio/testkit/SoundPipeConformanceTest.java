package dev.qio.testkit;

/**
 * The whole kit over {@link Planted#SOUND}: a correct channel written by hand passes every
 * property, so each failure {@link PlantedBugTest} sees is its bug's, not the kit's.
 */
class SoundPipeConformanceTest extends ChannelContract {
    @Override
    protected ChannelFixture fixture() {
        return Planted.SOUND.fixture();
    }
}

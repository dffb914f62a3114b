package dev.qio.testkit;

import java.util.concurrent.CopyOnWriteArrayList;

/** The whole listener contract passes on {@link PipeListener} with nothing planted. */
class SoundPipeListenerContractTest extends ListenerContract {
    @Override
    protected ListenerFixture fixture() {
        return PlantedListener.Bug.SOUND.fixture(new CopyOnWriteArrayList<>());
    }
}

package dev.qio.provider.memory;

import dev.qio.channel.IoChannels;
import dev.qio.testkit.ListenerContract;
import dev.qio.testkit.ListenerFixture;

/** The listener contract over {@code mem://} names. */
class MemListenerContractTest extends ListenerContract {
    @Override
    protected ListenerFixture fixture() {
        return ListenerFixture.of(
                "mem", IoChannels.registry(), () -> "mem://" + TestSupport.uniqueName("kit-listener"), "");
    }
}

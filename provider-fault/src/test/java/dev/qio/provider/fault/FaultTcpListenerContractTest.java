package dev.qio.provider.fault;

import dev.qio.channel.IoChannels;
import dev.qio.testkit.ListenerContract;
import dev.qio.testkit.ListenerFixture;

/** The listener contract over {@code fault+tcp://} with splits and spurious ERR_BLOCK on the accepted channels. */
class FaultTcpListenerContractTest extends ListenerContract {
    @Override
    protected ListenerFixture fixture() {
        return ListenerFixture.of(
                "fault+tcp",
                IoChannels.registry(),
                () -> "fault+tcp://127.0.0.1:0?split=50&block=30",
                "split=50&block=30");
    }
}

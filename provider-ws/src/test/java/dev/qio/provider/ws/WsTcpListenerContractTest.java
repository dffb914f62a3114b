package dev.qio.provider.ws;

import dev.qio.channel.IoChannels;
import dev.qio.testkit.ListenerContract;
import dev.qio.testkit.ListenerFixture;

/** The listener contract over {@code ws+tcp://}: every accept includes the HTTP upgrade. */
class WsTcpListenerContractTest extends ListenerContract {
    @Override
    protected ListenerFixture fixture() {
        return ListenerFixture.of("ws+tcp", IoChannels.registry(), () -> "ws+tcp://127.0.0.1:0", "");
    }
}

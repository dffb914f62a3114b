package dev.qio.provider.tls;

import dev.qio.channel.IoChannels;
import dev.qio.testkit.ListenerContract;
import dev.qio.testkit.ListenerFixture;

/** The listener contract over {@code tls+tcp://}: every accept includes a handshake. */
class TlsTcpListenerContractTest extends ListenerContract {
    @Override
    protected ListenerFixture fixture() {
        return ListenerFixture.of(
                "tls+tcp",
                IoChannels.registry(),
                () -> "tls+tcp://127.0.0.1:0?" + TlsFixtures.credsQuery(),
                TlsFixtures.credsQuery());
    }
}

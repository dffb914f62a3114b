package dev.qio.provider.tls;

import dev.qio.channel.IoChannels;
import dev.qio.testkit.ListenerContract;
import dev.qio.testkit.ListenerFixture;

/** The listener contract over {@code tls+unix://}: the socket file is the inner listener's. */
class TlsUnixListenerContractTest extends ListenerContract {
    @Override
    protected ListenerFixture fixture() {
        return ListenerFixture.of(
                "tls+unix",
                IoChannels.registry(),
                () -> "tls+unix://" + TlsFixtures.socketPath() + "?" + TlsFixtures.credsQuery(),
                TlsFixtures.credsQuery());
    }
}

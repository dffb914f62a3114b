package dev.qio.provider.socket;

import dev.qio.channel.IoChannels;
import dev.qio.testkit.ListenerContract;
import dev.qio.testkit.ListenerFixture;

/** The listener contract over unix sockets, each on a fresh path: the file is made by listen and removed by close. */
class UnixListenerContractTest extends ListenerContract {
    @Override
    protected ListenerFixture fixture() {
        return ListenerFixture.of("unix", IoChannels.registry(), SocketFixtures::unix, SocketFixtures.BUFFERS);
    }
}

package dev.qio.provider.socket;

import dev.qio.channel.IoChannels;
import dev.qio.testkit.ListenerContract;
import dev.qio.testkit.ListenerFixture;

/** The listener contract over tcp on 127.0.0.1, port 0 (on the backend of this run). */
class Tcp4ListenerContractTest extends ListenerContract {
    @Override
    protected ListenerFixture fixture() {
        return ListenerFixture.of("tcp4", IoChannels.registry(), SocketFixtures::tcp4, SocketFixtures.BUFFERS);
    }
}

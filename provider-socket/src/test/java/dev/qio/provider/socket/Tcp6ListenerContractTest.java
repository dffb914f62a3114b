package dev.qio.provider.socket;

import dev.qio.channel.IoChannels;
import dev.qio.testkit.ListenerContract;
import dev.qio.testkit.ListenerFixture;

/** The listener contract over tcp on ::1, port 0 (skipped where the host has no IPv6 loopback). */
class Tcp6ListenerContractTest extends ListenerContract {
    @Override
    protected ListenerFixture fixture() {
        return ListenerFixture.of("tcp6", IoChannels.registry(), SocketFixtures::tcp6, SocketFixtures.BUFFERS);
    }
}

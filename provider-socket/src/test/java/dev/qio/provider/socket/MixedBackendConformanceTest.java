package dev.qio.provider.socket;

import dev.qio.channel.ChannelRegistry;
import dev.qio.channel.IoChannels;
import dev.qio.testkit.ChannelContract;
import dev.qio.testkit.ChannelFixture;
import dev.qio.testkit.MixedPairs;

/**
 * The kit over tcp connections whose ends are on different backends: the native client writes to
 * an end the java.nio listener accepted. {@link MixedBackendReverseConformanceTest} sends the bytes
 * the other way on the same kind of connection. Both skip where the native backend cannot run (the
 * class-path run turns it off).
 */
class MixedBackendConformanceTest extends ChannelContract {
    static final String NATIVE = LinuxSocketProvider.class.getName();
    static final String NIO = SocketProvider.class.getName();

    /** A fixture: listen through the provider {@code listenSide}, connect through {@code connectSide}. */
    static ChannelFixture across(String name, String listenSide, String connectSide) {
        return ChannelFixture.of(name, SocketFixtures.STREAM, () -> {
            ChannelRegistry all = IoChannels.registry();
            return MixedPairs.connected(
                    MixedPairs.only(all, "tcp", listenSide),
                    SocketFixtures.tcp4(),
                    MixedPairs.only(all, "tcp", connectSide),
                    SocketFixtures.BUFFERS);
        });
    }

    @Override
    protected ChannelFixture fixture() {
        return across("tcp4 native→nio", NIO, NATIVE);
    }
}

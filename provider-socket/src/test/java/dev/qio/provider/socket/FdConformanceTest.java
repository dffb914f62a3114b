package dev.qio.provider.socket;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.spi.linux.NativePairs;
import dev.qio.channel.spi.linux.OwnedFd;
import dev.qio.testkit.Capability;
import dev.qio.testkit.ChannelContract;
import dev.qio.testkit.ChannelFixture;
import dev.qio.testkit.ChannelPair;
import java.io.IOException;
import java.util.EnumSet;
import org.junit.jupiter.api.Nested;

/**
 * The conformance kit over adopted descriptors: both ends of a unix socketpair (socket channels)
 * and of a pipe (file channels), each end opened with {@code IoChannels.open(NativeFd)}, whose
 * duplicate the channel owns while the test closes the original at once. Native backend only.
 */
class FdConformanceTest {
    private static final EnumSet<Capability> STREAM =
            EnumSet.of(Capability.ROUND_TRIP, Capability.CONCURRENT, Capability.STARVE, Capability.FILL);

    /** Opens both ends (writer first) and closes the originals, whatever happens. */
    private static ChannelPair adopt(OwnedFd[] ends) throws IOException {
        try (OwnedFd reader = ends[0];
                OwnedFd writer = ends[1]) {
            IoChannel w = IoChannels.open(writer);
            try {
                return ChannelPair.of(w, IoChannels.open(reader));
            } catch (IOException | RuntimeException e) {
                w.close();
                throw e;
            }
        }
    }

    private static ChannelFixture fixture(String name, ChannelFixture.Opener opener) {
        return ChannelFixture.of(name, STREAM, () -> {
            assumeTrue(TestSupport.nativeExpected(), "fd: needs the native backend (-Dqio.native=false here)");
            return opener.open();
        });
    }

    @Nested
    class SocketPair extends ChannelContract {
        @Override
        protected ChannelFixture fixture() {
            return FdConformanceTest.fixture("fd-socketpair", () -> adopt(NativePairs.socketPair()));
        }
    }

    @Nested
    class Pipe extends ChannelContract {
        @Override
        protected ChannelFixture fixture() {
            return FdConformanceTest.fixture("fd-pipe", () -> adopt(NativePairs.pipe()));
        }
    }
}

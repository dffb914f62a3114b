package dev.qio.provider.file;

import dev.qio.channel.spi.linux.Linux;
import dev.qio.testkit.Capability;
import dev.qio.testkit.ChannelContract;
import dev.qio.testkit.ChannelFixture;
import dev.qio.testkit.ChannelPair;
import dev.qio.testkit.TestIo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;

/**
 * The conformance kit over a FIFO (QEMU's {@code /io/channel/pipe/sync}): a fresh FIFO per pair
 * from mkfifo(1), its write end opened {@code mode=w} and its read end {@code mode=r}, at the same
 * time.
 *
 * <p>On the native backend (the module-path run) the FIFO is a non-blocking descriptor driven by
 * the poller, so the kit runs every property: blocking and non-blocking, {@link Capability#STARVE}
 * (a blocked reader waits, close wakes it) and {@link Capability#FILL} (the writer fills the pipe
 * and stays full). On the {@code FileChannel} fallback (the class-path run, {@code -Dqio.native=false})
 * the channels are blocking only, and STARVE and FILL are not declared: a thread blocked in
 * {@code read(2)} there is RUNNABLE in native code, which the kit's wait for a blocked thread does
 * not see, and FILL needs non-blocking mode.
 */
class FifoConformanceTest extends ChannelContract {
    @TempDir
    static Path dir;

    @Override
    protected ChannelFixture fixture() {
        return new ChannelFixture() {
            @Override
            public String name() {
                return "fifo";
            }

            @Override
            public Set<Capability> capabilities() {
                return Linux.isAvailable()
                        ? EnumSet.of(Capability.ROUND_TRIP, Capability.CONCURRENT, Capability.STARVE, Capability.FILL)
                        : EnumSet.of(Capability.ROUND_TRIP, Capability.CONCURRENT, Capability.BLOCKING_ONLY);
            }

            @Override
            public ChannelPair open() throws IOException {
                Path fifo = TestIo.mkfifo(dir.resolve(TestSupport.unique("kit") + ".fifo"));
                TestSupport.FifoEnds ends = TestSupport.openFifo(fifo);
                return ChannelPair.of(ends.writer(), ends.reader(), () -> Files.deleteIfExists(fifo));
            }
        };
    }
}

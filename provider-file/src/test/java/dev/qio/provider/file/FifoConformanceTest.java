package dev.qio.provider.file;

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
 * time, in blocking mode only.
 *
 * <p>Not declared, though true of a FIFO:
 * <ul>
 *   <li>{@link Capability#STARVE}: the kit's properties that use it (blocking read waits, close
 *       wakes the reader) wait for the blocked thread to be WAITING, but a thread blocked in
 *       {@code read(2)} on a FIFO is RUNNABLE in native code, so they would spin until their
 *       timeout. {@link FifoTest} checks both behaviours with a wait that sees native blocking.
 *   <li>{@link Capability#FILL}: needs non-blocking mode, which these channels refuse.
 * </ul>
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
                return EnumSet.of(Capability.ROUND_TRIP, Capability.CONCURRENT, Capability.BLOCKING_ONLY);
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

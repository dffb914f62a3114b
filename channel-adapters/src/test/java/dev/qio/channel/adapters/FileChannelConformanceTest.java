package dev.qio.channel.adapters;

import dev.qio.channel.IoChannel;
import dev.qio.provider.file.FileChannels;
import dev.qio.testkit.Capability;
import dev.qio.testkit.ChannelContract;
import dev.qio.testkit.ChannelFixture;
import dev.qio.testkit.ChannelPair;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;

/** A FileChannel the test opened, wrapped by {@code FileChannels.wrap}; read back through a second one. */
class FileChannelConformanceTest extends ChannelContract {
    @TempDir
    static Path dir;

    private static final AtomicInteger NAMES = new AtomicInteger();

    @Override
    protected ChannelFixture fixture() {
        return ChannelFixture.of("foreign-file", EnumSet.of(Capability.ROUND_TRIP), () -> {
            Path file = dir.resolve("wrapped-" + NAMES.incrementAndGet());
            IoChannel writer = FileChannels.wrap(
                    Pairs.rawFile(
                            file,
                            StandardOpenOption.CREATE,
                            StandardOpenOption.TRUNCATE_EXISTING,
                            StandardOpenOption.READ,
                            StandardOpenOption.WRITE),
                    "wrapped:" + file,
                    false);
            return ChannelPair.writeThenRead(
                    writer,
                    () -> FileChannels.wrap(
                            Pairs.rawFile(file, StandardOpenOption.READ), "wrapped-reader:" + file, false),
                    () -> Files.deleteIfExists(file));
        });
    }
}

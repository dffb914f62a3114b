package dev.qio.provider.file;

import dev.qio.channel.IoChannels;
import dev.qio.testkit.Capability;
import dev.qio.testkit.ChannelContract;
import dev.qio.testkit.ChannelFixture;
import dev.qio.testkit.ChannelPair;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;

/**
 * The conformance kit over {@code file:} as QEMU's {@code /io/channel/file} test uses it: write
 * everything through one channel, close it, then read it back through a second channel opened
 * {@code mode=r}.
 *
 * <p>The writer is opened {@code mode=rw&create=true&truncate=true} (QEMU's {@code /file/rdwr}
 * shape), not {@code mode=w}: the kit's {@code optional_SEEKABLE_model} runs its seek/read/write
 * program on the writer end and so needs a writer that can read. QEMU's write-only shape
 * ({@code mode=w}, then {@code mode=r}) is {@link FileChannelTest#qemuWriteThenRead}.
 */
class FileConformanceTest extends ChannelContract {
    @TempDir
    static Path dir;

    @Override
    protected ChannelFixture fixture() {
        return new ChannelFixture() {
            @Override
            public String name() {
                return "file";
            }

            @Override
            public Set<Capability> capabilities() {
                return EnumSet.of(Capability.ROUND_TRIP);
            }

            @Override
            public ChannelPair open() throws IOException {
                Path file = dir.resolve(TestSupport.unique("kit") + ".bin");
                return ChannelPair.writeThenRead(
                        IoChannels.open(TestSupport.uri(file, "mode=rw&create=true&truncate=true")),
                        () -> IoChannels.open(TestSupport.uri(file, "mode=r")),
                        () -> Files.deleteIfExists(file));
            }
        };
    }
}

package dev.qio.provider.file;

import dev.qio.channel.IoChannels;
import dev.qio.channel.Whence;
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

/** The conformance kit over one {@code file:...?mode=rw} channel: written, rewound with {@code seek(0, SET)}, read. */
class FileRwConformanceTest extends ChannelContract {
    @TempDir
    static Path dir;

    @Override
    protected ChannelFixture fixture() {
        return new ChannelFixture() {
            @Override
            public String name() {
                return "file-rw";
            }

            @Override
            public Set<Capability> capabilities() {
                return EnumSet.of(Capability.ROUND_TRIP);
            }

            @Override
            public ChannelPair open() throws IOException {
                Path file = dir.resolve(TestSupport.unique("kit-rw") + ".bin");
                return ChannelPair.loopback(
                        IoChannels.open(TestSupport.uri(file, "mode=rw&create=true")),
                        ch -> ch.seek(0, Whence.SET),
                        () -> Files.deleteIfExists(file));
            }
        };
    }
}

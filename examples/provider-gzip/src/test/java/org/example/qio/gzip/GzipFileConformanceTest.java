package org.example.qio.gzip;

import dev.qio.channel.IoChannel;
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

/**
 * The conformance kit over {@code gzip+file://}, write then read: the writer is
 * {@code gzip+file:///TMP?mode=w}; {@code finishWriting} closes it (writing the trailer), and the
 * reader {@code gzip+file:///TMP} is opened only then.
 */
class GzipFileConformanceTest extends ChannelContract {

    @Override
    protected ChannelFixture fixture() {
        return new ChannelFixture() {
            @Override
            public String name() {
                return "gzip+file";
            }

            @Override
            public Set<Capability> capabilities() {
                return EnumSet.of(Capability.ROUND_TRIP, Capability.BLOCKING_ONLY);
            }

            @Override
            public ChannelPair open() throws IOException {
                Path file = Files.createTempFile("qio-gzip-kit", ".gz");
                return new FilePair(file, IoChannels.open("gzip+" + file.toUri() + "?mode=w"));
            }
        };
    }

    private static final class FilePair extends ChannelPair {
        private final Path file;
        private final IoChannel writer;
        private IoChannel reader;

        FilePair(Path file, IoChannel writer) {
            this.file = file;
            this.writer = writer;
        }

        @Override
        public IoChannel writer() {
            return writer;
        }

        @Override
        public synchronized IoChannel reader() throws IOException {
            if (reader == null) {
                reader = IoChannels.open("gzip+" + file.toUri());
            }
            return reader;
        }

        @Override
        public void finishWriting() throws IOException {
            writer.close();
        }

        @Override
        public synchronized void close() throws IOException {
            try {
                closeAll(writer, reader != null ? reader : writer, () -> Files.deleteIfExists(file));
            } finally {
                Files.deleteIfExists(file);
            }
        }
    }
}

package dev.qio.provider.command;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.Shutdown;
import dev.qio.channel.spi.linux.NativeProcess;
import dev.qio.testkit.Capability;
import dev.qio.testkit.ChannelContract;
import dev.qio.testkit.ChannelFixture;
import dev.qio.testkit.ChannelPair;
import dev.qio.testkit.TestIo;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The kit's FILL properties over a {@code cat} loopback whose cat does not start until the kit asks
 * for the reader end.
 *
 * <p>Why not plain {@code command:cat} ({@link CatConformanceTest}): cat is a relay that keeps
 * draining the channel's stdin while its own output has room, so the first {@code ERR_BLOCK} a
 * writer sees comes while bytes still flow, and room reappears a moment later with nobody reading.
 * The kit's FILL properties assume a writer that stays full until the reader reads ("still full",
 * an OUT watch that must not fire, a blocked write that close must wake); with a live relay they
 * fail by timing. QEMU's raw pipes would do the same. The stdin pump is such a relay too, between
 * the channel's ring and the kernel pipe, so even a child that never reads only makes the writer
 * full for good once the pipe is full.
 *
 * <p>On the native backend ({@link NativeCommandChannel}) there is no relay between the channel
 * and the pipe: the child behind the gate does not read, so the kit's writes fill the pipe and it
 * stays full; the child is {@code sh -c 'read -r go < FIFO; exec cat'} and nothing is pre-filled.
 *
 * <p>On the {@code ProcessBuilder} fallback the child is {@code sh -c 'read -r go < FIFO; dd bs=64k count=1 ...; exec cat'}, and
 * before handing the pair out the fixture writes 64 KiB of filler and waits until the pump has
 * moved it into the pipe: the pipe (64 KiB, Linux's default on 4 KiB pages) is then full, nobody
 * reads it, and the next {@value Child#BUFFER} bytes the kit writes fill the ring for good. The first
 * {@link ChannelPair#reader()} call opens the gate: dd drops exactly the filler and cat echoes the
 * kit's bytes, a plain cat loopback from then on.
 */
class GatedCatConformanceTest extends ChannelContract {
    @Override
    protected ChannelFixture fixture() {
        return new ChannelFixture() {
            @Override
            public String name() {
                return "command-cat-gated";
            }

            @Override
            public Set<Capability> capabilities() {
                return EnumSet.of(Capability.FILL);
            }

            @Override
            public ChannelPair open() throws IOException {
                return GatedPair.open();
            }
        };
    }

    /** A cat loopback behind a FIFO gate; see the class description. */
    static final class GatedPair extends ChannelPair {
        /** Fills the child's stdin pipe; dd drops exactly this much once the gate opens. */
        static final int FILLER = 64 * 1024;

        private final Path dir;
        private final Path fifo;
        private final IoChannel channel;
        /** Held open once written, so the "go" line waits in the FIFO until the child opens it. */
        private FileChannel gate;

        private GatedPair(Path dir, Path fifo, IoChannel channel) {
            this.dir = dir;
            this.fifo = fifo;
            this.channel = channel;
        }

        static GatedPair open() throws IOException {
            Path dir = Files.createTempDirectory("qio-gate");
            Path fifo = dir.resolve("gate");
            TestIo.mkfifo(fifo);
            // On the native backend there is no ring: the kit's own writes fill the pipe, so no filler.
            int filler = NativeProcess.unavailableReason().isEmpty() ? 0 : FILLER;
            String drop = filler == 0 ? "" : "dd bs=" + filler + " count=1 iflag=fullblock of=/dev/null status=none; ";
            String script = URLEncoder.encode("read -r go < \"$0\"; " + drop + "exec cat", StandardCharsets.UTF_8)
                    .replace("+", "%20");
            // grace: a kit property may close before the gate opens; then SIGTERM ends the waiting sh.
            IoChannel ch = IoChannels.open("command:sh?arg=-c&arg=" + script + "&arg="
                    + URLEncoder.encode(fifo.toString(), StandardCharsets.UTF_8) + "&grace=300");
            ch.writeAll(ByteBuffer.allocate(filler));
            // On the native backend writeAll returns once the kernel took the filler: the pipe is full.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (ch instanceof ProcessChannel pc
                    && pc.stdinBuffered() > 0) { // until the pump put the filler in the pipe
                if (System.nanoTime() > deadline) { // only if the pipe holds less than 64 KiB
                    ch.close();
                    throw new IOException(
                            "the child's stdin pipe does not hold " + FILLER + " bytes; this fixture needs it");
                }
                Thread.yield();
            }
            return new GatedPair(dir, fifo, ch);
        }

        /** Opens the gate: writes "go" into the FIFO, opened read-write so the open never blocks. */
        private synchronized void openGate() throws IOException {
            if (gate == null) {
                gate = FileChannel.open(fifo, StandardOpenOption.READ, StandardOpenOption.WRITE);
                gate.write(ByteBuffer.wrap("go\n".getBytes(StandardCharsets.US_ASCII)));
            }
        }

        @Override
        public IoChannel writer() {
            return channel;
        }

        @Override
        public IoChannel reader() throws IOException {
            openGate();
            return channel;
        }

        @Override
        public void finishWriting() throws IOException {
            channel.shutdown(Shutdown.WRITE);
        }

        @Override
        public void close() throws IOException {
            try {
                openGate(); // lets a still-waiting child run into cat, which then ends at stdin EOF
                channel.close();
            } finally {
                synchronized (this) {
                    if (gate != null) {
                        gate.close();
                    }
                }
                Files.deleteIfExists(fifo);
                Files.deleteIfExists(dir);
            }
        }
    }
}

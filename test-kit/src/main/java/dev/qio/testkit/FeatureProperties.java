package dev.qio.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qio.channel.Feature;
import dev.qio.channel.IoChannel;
import dev.qio.channel.NativeFd;
import dev.qio.channel.ReadFlag;
import dev.qio.channel.Shutdown;
import dev.qio.channel.UnsupportedFeatureException;
import dev.qio.channel.Whence;
import dev.qio.channel.WriteFlag;
import dev.qio.channel.spi.NativeFds;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.function.Executable;

/**
 * Features: each one a channel does not advertise is refused with
 * {@link UnsupportedFeatureException} before anything moves; each one it advertises behaves.
 */
final class FeatureProperties {
    private FeatureProperties() {}

    /** The features a channel's operations are gated on. */
    static final List<Feature> GATED = List.of(Feature.FD_PASS, Feature.READ_MSG_PEEK, Feature.WRITE_ZERO_COPY,
            Feature.SEEKABLE, Feature.SHUTDOWN);

    /** Which features the fixture's channels advertise (writer and reader together). */
    static Set<Feature> advertised(ChannelFixture fixture) throws IOException {
        try (ChannelPair pair = fixture.open()) {
            Set<Feature> all = new HashSet<>(pair.writer().features());
            if (Kit.has(fixture, Capability.CONCURRENT) && !pair.isLoopback()) {
                all.addAll(pair.reader().features());
            }
            return all;
        }
    }

    /** The gating twin: every operation that needs {@code feature} is refused, and nothing moved. */
    static void refuses(ChannelFixture fixture, Feature feature) throws Throwable {
        try (ChannelPair pair = fixture.open()) {
            IoChannel ch = pair.writer();
            assertFalse(ch.hasFeature(Feature.LISTEN), ch.name() + ": a connected channel never has LISTEN");
            Assumptions.assumeFalse(ch.hasFeature(feature), ch.name() + " advertises " + feature);
            ByteBuffer data = ByteBuffer.wrap(new byte[] {1, 2, 3});
            ByteBuffer room = ByteBuffer.allocate(3);
            List<Executable> ops = switch (feature) {
                case FD_PASS -> List.of(
                        () -> ch.writev(new ByteBuffer[] {data}, List.of(new UntouchableFd()), Set.of()),
                        () -> ch.readv(new ByteBuffer[] {room}, new ArrayList<>(), Set.of()));
                case READ_MSG_PEEK -> List.of(() -> ch.readv(new ByteBuffer[] {room}, null, Set.of(ReadFlag.MSG_PEEK)));
                case WRITE_ZERO_COPY -> List.of(() -> ch.writev(new ByteBuffer[] {data}, null, Set.of(WriteFlag.ZERO_COPY)));
                case SEEKABLE -> List.of(() -> ch.seek(0, Whence.SET), () -> ch.preadv(new ByteBuffer[] {room}, 0),
                        () -> ch.pwritev(new ByteBuffer[] {data}, 0));
                case SHUTDOWN -> List.of(() -> ch.shutdown(Shutdown.READ), () -> ch.shutdown(Shutdown.WRITE),
                        () -> ch.shutdown(Shutdown.BOTH));
                default -> throw new IllegalArgumentException(feature + " gates nothing");
            };
            for (Executable op : ops) {
                UnsupportedFeatureException e = assertThrows(UnsupportedFeatureException.class, op,
                        ch.name() + ": an operation needing " + feature + " must be refused");
                assertEquals(feature, e.feature(), "the exception names the feature: " + e.getMessage());
            }
            assertEquals(0, data.position(), ch.name() + ": a refused write moved bytes");
            assertEquals(0, room.position(), ch.name() + ": a refused read moved bytes");
            assertTrue(ch.isOpen(), ch.name() + ": a refused operation must not close the channel");
        }
    }

    /** FD_PASS: descriptors arrive with the bytes, as new descriptors of the same file, owned by the receiver. */
    static void passesFds(ChannelFixture fixture, int count, int length, long seed) throws Throwable {
        Assumptions.assumeTrue(NativeFds.isSupported(), "no POSIX descriptors on this platform");
        Path file = Files.createTempFile("qio-kit-fd", ".bin");
        byte[] msg = Inputs.payload(length, seed);
        List<NativeFd> sent = new ArrayList<>();
        List<NativeFd> received = new ArrayList<>();
        try (ChannelPair pair = fixture.open()) {
            for (int i = 0; i < count; i++) {
                sent.add(NativeFds.open(file, true));
            }
            ByteBuffer got = ByteBuffer.allocate(length);
            IoChannel w = pair.writer();
            IoChannel r = pair.reader();
            Concurrently.run(pair, () -> w.writevAll(new ByteBuffer[] {ByteBuffer.wrap(msg)}, sent, Set.of()),
                    () -> r.readvAll(new ByteBuffer[] {got}, received, Set.of()));
            assertArrayEquals(msg, got.array());
            assertEquals(count, received.size(), "descriptors received");
            Set<Integer> numbers = new HashSet<>();
            for (NativeFd fd : sent) {
                numbers.add(fd.value());
            }
            for (NativeFd fd : received) {
                assertTrue(numbers.add(fd.value()), "received descriptor " + fd.value() + " repeats a sent or received one");
                assertEquals(file.toRealPath(), Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd.value())),
                        "received descriptor " + fd.value() + " refers to the sent file");
            }
            for (NativeFd fd : sent) {
                fd.close();
            }
            for (NativeFd fd : received) {
                assertTrue(NativeFds.isOpenInProcess(fd.value()), "the sender's close must not close the receiver's copy");
            }
        } finally {
            for (NativeFd fd : sent) {
                fd.close();
            }
            for (NativeFd fd : received) {
                fd.close();
            }
            Files.deleteIfExists(file);
        }
    }

    /** A descriptor the gating checks must refuse before touching. */
    private static final class UntouchableFd implements NativeFd {
        @Override
        public int value() {
            throw new AssertionError("a gated write touched the descriptor before refusing");
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {}
    }

}

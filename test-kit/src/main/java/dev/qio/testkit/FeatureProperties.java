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
import dev.qio.testkit.property.Gen;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
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
    static final List<Feature> GATED = List.of(
            Feature.FD_PASS, Feature.READ_MSG_PEEK, Feature.WRITE_ZERO_COPY, Feature.SEEKABLE, Feature.SHUTDOWN);

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
                case FD_PASS ->
                    List.of(
                            () -> ch.writev(new ByteBuffer[] {data}, List.of(new UntouchableFd()), Set.of()),
                            () -> ch.readv(new ByteBuffer[] {room}, new ArrayList<>(), Set.of()));
                case READ_MSG_PEEK -> List.of(() -> ch.readv(new ByteBuffer[] {room}, null, Set.of(ReadFlag.MSG_PEEK)));
                case WRITE_ZERO_COPY ->
                    List.of(() -> ch.writev(new ByteBuffer[] {data}, null, Set.of(WriteFlag.ZERO_COPY)));
                case SEEKABLE ->
                    List.of(
                            () -> ch.seek(0, Whence.SET),
                            () -> ch.preadv(new ByteBuffer[] {room}, 0),
                            () -> ch.pwritev(new ByteBuffer[] {data}, 0));
                case SHUTDOWN ->
                    List.of(
                            () -> ch.shutdown(Shutdown.READ),
                            () -> ch.shutdown(Shutdown.WRITE),
                            () -> ch.shutdown(Shutdown.BOTH));
                default -> throw new IllegalArgumentException(feature + " gates nothing");
            };
            for (Executable op : ops) {
                UnsupportedFeatureException e = assertThrows(
                        UnsupportedFeatureException.class,
                        op,
                        ch.name() + ": an operation needing " + feature + " must be refused");
                assertEquals(feature, e.feature(), "the exception names the feature: " + e.getMessage());
            }
            assertEquals(0, data.position(), ch.name() + ": a refused write moved bytes");
            assertEquals(0, room.position(), ch.name() + ": a refused read moved bytes");
            assertTrue(ch.isOpen(), ch.name() + ": a refused operation must not close the channel");
        }
    }

    /** One descriptor-passing case: how many descriptors, how many bytes carry them, and the buffers on each side. */
    record FdCase(int count, int length, BufferKind writeKind, BufferKind readKind) {
        static Gen<FdCase> cases() {
            Gen<BufferKind> kind = Gen.elements(BufferKind.values());
            Gen<Integer> length =
                    Gen.<Integer>frequency().add(3, Gen.ints(1, 4096)).add(1, Gen.ints(4096, 200_000));
            return c -> new FdCase(Gen.ints(1, MAX_FDS).next(c), length.next(c), kind.next(c), kind.next(c));
        }
    }

    /** The most descriptors one write may carry on a unix socket (QEMU's {@code SOCKET_MAX_FDS}): what the kit sends at most. */
    static final int MAX_FDS = 16;

    /**
     * FD_PASS: descriptors arrive with the bytes, in order, as new descriptors of the same open
     * files (each of {@code count} files has its own content, read back through the received
     * descriptor's {@code /proc/self/fd} entry), owned by the receiver: the sender's close leaves
     * them open, the receiver's close closes them. The message may be larger than the channel
     * buffers, so the write is partial and the descriptors go with its first chunk only.
     */
    static void passesFds(ChannelFixture fixture, FdCase k, long seed) throws Throwable {
        Assumptions.assumeTrue(NativeFds.isSupported(), "no POSIX descriptors on this platform");
        byte[] msg = Inputs.payload(k.length(), seed);
        List<Path> files = new ArrayList<>();
        List<NativeFd> sent = new ArrayList<>();
        List<NativeFd> received = new ArrayList<>();
        try (ChannelPair pair = fixture.open()) {
            for (int i = 0; i < k.count(); i++) {
                Path file = Files.createTempFile("qio-kit-fd" + i + "-", ".txt");
                files.add(file);
                Files.writeString(file, "descriptor " + i);
                sent.add(NativeFds.open(file, true));
            }
            ByteBuffer out = k.writeKind().allocate(msg.length).put(msg).flip();
            ByteBuffer got = k.readKind().allocate(msg.length);
            IoChannel w = pair.writer();
            IoChannel r = pair.reader();
            Assumptions.assumeTrue(
                    w.hasFeature(Feature.FD_PASS) && r.hasFeature(Feature.FD_PASS),
                    "only one end of the pair advertises FD_PASS: " + w.features() + " / " + r.features());
            Concurrently.run(
                    pair,
                    () -> w.writevAll(new ByteBuffer[] {out}, sent, Set.of()),
                    () -> r.readvAll(new ByteBuffer[] {got}, received, Set.of()));
            byte[] bytes = new byte[msg.length];
            got.flip().get(bytes);
            assertArrayEquals(msg, bytes, "the bytes that carried the descriptors");
            assertEquals(k.count(), received.size(), "descriptors received");
            Set<Integer> numbers = new HashSet<>();
            for (NativeFd fd : sent) {
                numbers.add(fd.value());
            }
            for (int i = 0; i < received.size(); i++) {
                int n = received.get(i).value();
                assertTrue(numbers.add(n), "received descriptor " + n + " repeats a sent or received one");
                Path entry = Path.of("/proc/self/fd/" + n);
                assertEquals(
                        files.get(i).toRealPath(),
                        Files.readSymbolicLink(entry),
                        "received descriptor " + i + " (" + n + ") refers to the " + i + "th file sent");
                assertEquals(
                        "descriptor " + i, Files.readString(entry), "content read through received descriptor " + n);
            }
            for (NativeFd fd : sent) {
                fd.close();
            }
            for (NativeFd fd : received) {
                assertTrue(
                        NativeFds.isOpenInProcess(fd.value()), "the sender's close must not close the receiver's copy");
            }
            for (int i = 0; i < received.size(); i++) {
                NativeFd fd = received.get(i);
                int n = fd.value();
                fd.close();
                assertFalse(fd.isOpen(), "a received descriptor is closed by its owner's close()");
                assertFalse(
                        refersTo(n, files.get(i)),
                        "descriptor " + n + " still refers to its file after its owner closed it");
            }
        } finally {
            for (NativeFd fd : sent) {
                fd.close();
            }
            for (NativeFd fd : received) {
                fd.close();
            }
            for (Path file : files) {
                Files.deleteIfExists(file);
            }
        }
    }

    /**
     * READ_MSG_PEEK: a peek fills the buffer as a read does (its position advances by what it
     * returns), and leaves the bytes queued: a second peek sees the message's start again (a
     * prefix of it, as any read may be partial), and reading the
     * whole message afterwards gets every byte, the peeked ones first. The end that advertises
     * READ_MSG_PEEK reads (in a pair with a foreign peer only one end may).
     */
    static void peeks(ChannelFixture fixture, int length, BufferKind kind, long seed) throws Throwable {
        byte[] msg = Inputs.payload(length, seed);
        try (ChannelPair pair = fixture.open()) {
            // The end that advertises peeking reads; in a pair whose ends differ (a foreign peer) that may be the
            // writer's.
            boolean swap = !pair.reader().hasFeature(Feature.READ_MSG_PEEK) && !pair.isLoopback();
            IoChannel w = swap ? pair.reader() : pair.writer();
            IoChannel r = swap ? pair.writer() : pair.reader();
            ByteBuffer first = kind.allocate(length);
            ByteBuffer second = kind.allocate(length);
            ByteBuffer all = kind.allocate(length);
            Concurrently.run(
                    pair,
                    () -> {
                        w.writeAll(ByteBuffer.wrap(msg));
                        Kit.sent(fixture, w);
                    },
                    () -> {
                        long n = r.readv(new ByteBuffer[] {first}, null, Set.of(ReadFlag.MSG_PEEK));
                        assertTrue(
                                n > 0 && n <= length,
                                "a blocking peek returns at least one byte and at most the room: " + n);
                        assertEquals(n, first.position(), "a peek advances the buffer's position by what it returned");
                        long m = r.readv(new ByteBuffer[] {second}, null, Set.of(ReadFlag.MSG_PEEK));
                        assertTrue(
                                m > 0 && m == second.position(),
                                "a second peek returns bytes too (maybe fewer: reads may be partial): " + m);
                        r.readAll(all);
                    });
            assertArrayEquals(Arrays.copyOf(msg, first.position()), bytes(first), "what the first peek saw");
            assertArrayEquals(Arrays.copyOf(msg, second.position()), bytes(second), "what the second peek saw");
            assertArrayEquals(msg, bytes(all), "every byte, the peeked ones included, is read after peeking");
        }
    }

    /** Whether descriptor {@code n} of this process is open on {@code file}. */
    private static boolean refersTo(int n, Path file) throws IOException {
        Path entry = Path.of("/proc/self/fd/" + n);
        try {
            return Files.readSymbolicLink(entry).equals(file.toRealPath());
        } catch (java.nio.file.NoSuchFileException e) {
            return false;
        }
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.position()];
        b.flip().get(out);
        return out;
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

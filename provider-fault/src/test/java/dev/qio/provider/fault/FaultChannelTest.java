package dev.qio.provider.fault;

import static dev.qio.testkit.TestIo.ascii;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.IoListener;
import dev.qio.testkit.Registrations;
import dev.qio.testkit.TestIo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Each option of the {@code fault+} layer does what {@link FaultProvider} says, reproducibly from its seed. */
@Timeout(60)
class FaultChannelTest {
    private static final AtomicInteger NAMES = new AtomicInteger();

    /** A {@code mem://} pair: the client with the layer and {@code query}, the accepted end plain. */
    private record Pair(IoListener listener, IoChannel faulty, IoChannel plain) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            try (listener;
                    faulty;
                    plain) {
                // closes all three
            }
        }
    }

    private static Pair pair(String query) throws IOException {
        String name = "fault-test-" + NAMES.incrementAndGet();
        IoListener listener = IoChannels.listen("mem://" + name);
        IoChannel faulty = IoChannels.open("fault+mem://" + name + "?" + query);
        return new Pair(listener, faulty, listener.accept());
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + 7);
        }
        return b;
    }

    /** The sizes of reads of up to 1000 bytes that drain 10,000 bytes, over a pair with {@code query}. */
    private static List<Long> readSizes(String query) throws IOException {
        List<Long> sizes = new ArrayList<>();
        try (Pair p = pair(query)) {
            p.plain().writeAll(ByteBuffer.wrap(bytes(10_000)));
            ByteBuffer got = ByteBuffer.allocate(10_000);
            while (got.hasRemaining()) {
                sizes.add((long) p.faulty().read(got.slice(got.position(), Math.min(1000, got.remaining()))));
                got.position(got.position() + sizes.getLast().intValue());
            }
            assertTrue(Arrays.equals(bytes(10_000), got.array()), "every byte arrived, in order");
        }
        return sizes;
    }

    @Test
    void splitCutsReadsShortAndTheSameSeedCutsThemTheSameWay() throws IOException {
        List<Long> plain = readSizes("seed=7");
        List<Long> first = readSizes("seed=7&split=100");
        List<Long> again = readSizes("seed=7&split=100");
        List<Long> other = readSizes("seed=8&split=100");

        assertEquals(
                List.of(1000L, 1000L, 1000L, 1000L, 1000L, 1000L, 1000L, 1000L, 1000L, 1000L),
                plain,
                "no split, no cut");
        assertTrue(first.stream().allMatch(n -> n >= 1 && n < 1000), () -> "every read cut short: " + first);
        assertEquals(first, again, "the same seed gives the same cuts");
        assertNotEquals(first, other, "another seed gives other cuts");
    }

    @Test
    void splitCutsWritesShortAndWriteAllStillWritesEverything() throws IOException {
        try (Pair p = pair("seed=3&split=100")) {
            long n = p.faulty().write(ByteBuffer.wrap(bytes(1000)));
            assertTrue(n >= 1 && n < 1000, "a write of 1000 bytes moved " + n);
            p.faulty().writeAll(ByteBuffer.wrap(bytes(5000)));
            ByteBuffer got = ByteBuffer.allocate((int) n + 5000);
            p.plain().readAll(got);
            assertEquals(ByteBuffer.wrap(bytes(5000)), got.position((int) n));
        }
    }

    @Test
    void blockGivesSpuriousErrBlockInNonBlockingModeOnly() throws IOException {
        try (Pair p = pair("seed=1&block=100")) {
            p.plain().writeAll(ascii("ready"));
            assertEquals(
                    5,
                    p.faulty().read(ByteBuffer.allocate(2)) + p.faulty().read(ByteBuffer.allocate(3)),
                    "blocking mode: no spurious block");
            p.plain().writeAll(ascii("ready"));
            p.faulty().setBlocking(false);
            assertEquals(
                    IoChannel.ERR_BLOCK, p.faulty().read(ByteBuffer.allocate(5)), "bytes are there, yet ERR_BLOCK");
            assertEquals(IoChannel.ERR_BLOCK, p.faulty().write(ascii("x")), "room is there, yet ERR_BLOCK");
        }
        try (Pair p = pair("seed=1&block=50&split=50")) {
            p.faulty().setBlocking(false);
            p.plain().writeAll(ByteBuffer.wrap(bytes(20_000)));
            ByteBuffer got = ByteBuffer.allocate(20_000);
            p.faulty().readAll(got); // waits out every spurious ERR_BLOCK
            assertEquals(ByteBuffer.wrap(bytes(20_000)), got.flip());
        }
    }

    @Test
    void eofAfterEndsTheStreamAtTheMark() throws IOException {
        try (Pair p = pair("eof-after=10")) {
            p.plain().writeAll(ByteBuffer.wrap(bytes(100)));
            ByteBuffer got = ByteBuffer.allocate(100);
            assertEquals(10, p.faulty().read(got), "a read that would cross the mark stops at it");
            assertEquals(IoChannel.EOF, p.faulty().read(got));
            assertThrows(java.io.EOFException.class, () -> p.faulty().readAll(ByteBuffer.allocate(1)));
        }
    }

    @Test
    void resetAfterResetsBothDirectionsAndThePeerSeesTheEnd() throws IOException {
        try (Pair p = pair("reset-after=6")) {
            p.faulty().writeAll(ascii("abcd"));
            p.plain().writeAll(ascii("xyz"));
            ByteBuffer got = ByteBuffer.allocate(3);
            p.faulty().readAll(got); // 4 + 3 bytes moved: past the mark
            IOException read = assertThrows(IOException.class, () -> p.faulty().read(ByteBuffer.allocate(1)));
            IOException write = assertThrows(IOException.class, () -> p.faulty().write(ascii("x")));
            assertTrue(
                    read.getMessage().contains("Connection reset")
                            && write.getMessage().contains("reset-after=6"),
                    read.getMessage() + " / " + write.getMessage());
            assertEquals("abcd", TestIo.readAscii(p.plain(), 4));
            assertEquals(IoChannel.EOF, p.plain().read(ByteBuffer.allocate(1)), "the peer sees the connection end");
        }
    }

    @Test
    void failWriteAfterFailsOneWriteAtTheMark() throws IOException {
        try (Pair p = pair("fail-write-after=5")) {
            assertEquals(5, p.faulty().write(ascii("0123456789")), "a write that would cross the mark stops at it");
            IOException e = assertThrows(IOException.class, () -> p.faulty().write(ascii("56789")));
            assertTrue(
                    e.getMessage().contains("Broken pipe") && e.getMessage().contains("fail-write-after=5"),
                    e.getMessage());
            p.faulty().writeAll(ascii("56789"));
            assertEquals("0123456789", TestIo.readAscii(p.plain(), 10), "the failed write moved nothing");
        }
    }

    @Test
    void theNameShowsADrawnSeedAndOptionsAreCheckedAtOpen() throws IOException {
        try (Pair p = pair("split=10")) {
            assertTrue(
                    p.faulty().name().matches("fault\\+mem://.*\\?split=10 \\[seed=-?[0-9]+]"),
                    p.faulty().name());
        }
        try (Pair p = pair("seed=42&split=10")) {
            assertTrue(
                    p.faulty().name().endsWith("?seed=42&split=10"), p.faulty().name());
        }
        for (String bad :
                List.of("split=101", "block=x", "seed=abc", "eof-after=", "reset-after=-1", "fail-write-after=５")) {
            String option = bad.substring(0, bad.indexOf('='));
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> IoChannels.open("fault+mem://nobody?" + bad));
            assertTrue(e.getMessage().contains("option '" + option + "'"), e.getMessage());
        }
        IllegalArgumentException inner = assertThrows(
                IllegalArgumentException.class, () -> IoChannels.open("fault+mem://nobody?seed=1&bogus=1"));
        assertTrue(
                inner.getMessage().contains("'bogus'"),
                "an option neither knows is refused by the inner scheme: " + inner.getMessage());
    }

    @Test
    void bothRegistrationsNameTheProvider() throws IOException {
        assertEquals(java.util.Set.of(FaultProvider.class.getName()), Registrations.assertAgree(FaultProvider.class));
    }
}

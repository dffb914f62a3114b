package dev.qio.provider.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoCondition;
import dev.qio.testkit.BufferKind;
import dev.qio.testkit.property.Gen;
import dev.qio.testkit.property.Property;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A read-only child that produces a known stream, {@code seq 1 N}: read with random iov splits,
 * buffer kinds and chunking, blocking and non-blocking, the bytes are exactly seq's, then EOF for
 * ever, and the child exits 0. (The kit has no "known source" capability; see the report.)
 */
class KnownStreamTest {
    /** One read plan: how many numbers seq prints, the mode, and how the reads are cut. */
    record Plan(int count, boolean blocking, List<Integer> pieces, int perCall, BufferKind kind) {}

    private static final Gen<Plan> PLANS = c -> new Plan(
            Gen.<Integer>frequency()
                    .add(1, Gen.constant(0))
                    .add(4, Gen.ints(1, 2_000))
                    .add(2, Gen.ints(1, 300_000))
                    .next(c),
            c.drawBoolean(),
            Gen.listOf(
                            Gen.<Integer>frequency()
                                    .add(4, Gen.sizes(8192))
                                    .add(1, Gen.constant(0))
                                    .add(1, Gen.ints(8192, 100_000)),
                            1,
                            6)
                    .next(c),
            Gen.ints(1, 20).next(c),
            Gen.elements(BufferKind.values()).next(c));

    static byte[] seq(int count) {
        StringBuilder s = new StringBuilder();
        for (int i = 1; i <= count; i++) {
            s.append(i).append('\n');
        }
        return s.toString().getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    @Timeout(120)
    void seqArrivesExactlyThenEof() {
        Property.forAll(PLANS).named("command_known_stream_seq").tries(30).check(KnownStreamTest::run);
    }

    private static void run(Plan plan) throws IOException {
        byte[] expected = seq(plan.count());
        byte[] got = new byte[expected.length];
        int at = 0;
        int piece = 0;
        boolean anyRoom = plan.pieces().stream().anyMatch(p -> p > 0); // all-empty pieces read 1 byte at a time
        try (CommandChannel ch = CommandChannels.spawn(
                List.of("seq", "1", Integer.toString(plan.count())),
                CommandOptions.defaults().withMode(CommandOptions.Mode.R))) {
            ch.setBlocking(plan.blocking());
            while (true) {
                ByteBuffer[] iov = new ByteBuffer[plan.perCall()];
                for (int i = 0; i < iov.length; i++) {
                    iov[i] = plan.kind()
                            .allocate(
                                    anyRoom
                                            ? plan.pieces()
                                                    .get(piece++ % plan.pieces().size())
                                            : 1);
                }
                long room = 0;
                for (ByteBuffer b : iov) {
                    room += b.remaining();
                }
                long n = ch.readv(iov);
                if (room == 0) {
                    assertEquals(0, n, "an iov without room reads 0");
                    continue;
                }
                if (n == IoChannel.ERR_BLOCK) {
                    assertTrue(!plan.blocking(), "ERR_BLOCK in blocking mode");
                    ch.await(IoCondition.IN);
                    continue;
                }
                if (n == IoChannel.EOF) {
                    break;
                }
                assertTrue(n > 0 && n <= room, "read returned " + n + " for " + room + " bytes of room");
                for (ByteBuffer b : iov) {
                    b.flip();
                    int k = b.remaining();
                    if (at + k > got.length) {
                        fail("read past the " + expected.length + " bytes seq prints");
                    }
                    b.get(got, at, k);
                    at += k;
                }
            }
            assertEquals(expected.length, at, "bytes before EOF");
            assertEquals(java.util.Arrays.mismatch(expected, got), -1, "first differing byte");
            for (int i = 0; i < 3; i++) {
                assertEquals(IoChannel.EOF, ch.read(ByteBuffer.allocate(1)), "EOF stays EOF");
            }
        }
        // close() above threw nothing: seq exited 0
    }

    @Test
    @Timeout(30)
    void exitStatusOfTheKnownSourceIsZero() throws IOException {
        CommandChannel ch = CommandChannels.spawn(
                List.of("seq", "3"), CommandOptions.defaults().withMode(CommandOptions.Mode.R));
        assertEquals("1\n2\n3\n", TestSupport.readString(ch));
        ch.close();
        assertEquals(OptionalInt.of(0), ch.exitStatus());
    }
}

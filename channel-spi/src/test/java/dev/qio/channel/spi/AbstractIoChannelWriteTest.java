package dev.qio.channel.spi;

import static dev.qio.channel.spi.ScriptedChannel.block;
import static dev.qio.channel.spi.ScriptedChannel.bytes;
import static dev.qio.channel.spi.ScriptedChannel.fail;
import static dev.qio.channel.spi.ScriptedChannel.zero;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qio.channel.Feature;
import dev.qio.channel.IoChannel;
import dev.qio.channel.IoCondition;
import dev.qio.channel.NativeFd;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Writes through {@link AbstractIoChannel}: single writes and QEMU's {@code writev_full_all}. */
@Timeout(60)
class AbstractIoChannelWriteTest {
    private static final String NAME = "scripted://writer";

    private static ScriptedChannel channel(Feature... features) {
        return new ScriptedChannel(NAME, features);
    }

    private static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.US_ASCII);
    }

    // ---- single writes ------------------------------------------------------------------------

    @Test
    void writevReturnsWhatTheHookMoved() throws IOException {
        ScriptedChannel ch = channel().writes(bytes(4));
        ByteBuffer a = ascii("ab");
        ByteBuffer b = ascii("cdef");

        assertEquals(4, ch.writev(a, b));

        assertEquals("abcd", text(ch.written()));
        assertEquals(2, b.position());
    }

    @Test
    void writevPassesErrBlockThrough() throws IOException {
        assertEquals(IoChannel.ERR_BLOCK, channel().writes(block()).writev(ascii("x")));
    }

    @Test
    void writeOfOneBufferBehavesAsWritev() throws IOException {
        ScriptedChannel ch = channel().writes(bytes(2));

        assertEquals(2, ch.write(ascii("xyz")));

        assertEquals("xy", text(ch.written()));
    }

    @Test
    void writevWithoutFdsGivesTheHookAnEmptyListNotNull() throws IOException {
        ScriptedChannel ch = channel().writes(bytes(1), bytes(1));

        ch.writev(ascii("a"));
        ch.writev(new ByteBuffer[] {ascii("b")}, List.of(), Set.of());

        assertEquals(List.of(List.of(), List.of()), ch.writeFds);
    }

    @Test
    void emptyIovWritesZeroWithoutCallingTheHook() throws IOException {
        ScriptedChannel ch = channel();

        assertEquals(0, ch.writev());
        assertEquals(0, ch.writev(ByteBuffer.allocate(0), ascii("x").position(1)));
        assertEquals(0, ch.write(ByteBuffer.allocate(0)));
        ch.writevAll(ByteBuffer.allocate(0));
        ch.writeAll(ByteBuffer.allocate(0));

        assertEquals(0, ch.writeCalls.get());
    }

    @Test
    void hookReturningZeroForANonEmptyIovIsReportedAsAProviderBug() {
        ScriptedChannel ch = channel().writes(zero());

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ch.writev(ascii("abc")));

        assertTrue(e.getMessage().contains("provider bug"), e.getMessage());
        assertTrue(e.getMessage().contains(NAME), e.getMessage());
    }

    @Test
    void fdsWithAnEmptyIovAreRefused() {
        ScriptedChannel ch = channel(Feature.FD_PASS);

        assertThrows(
                IllegalArgumentException.class,
                () -> ch.writev(new ByteBuffer[] {ByteBuffer.allocate(0)}, List.of(new TestFd(3)), Set.of()));
        assertThrows(
                IllegalArgumentException.class,
                () -> ch.writevAll(new ByteBuffer[0], List.of(new TestFd(3)), Set.of()));

        assertEquals(0, ch.writeCalls.get());
    }

    @Test
    void nullBufferIsRefusedNamingItsIndex() {
        ScriptedChannel ch = channel();

        NullPointerException e =
                assertThrows(NullPointerException.class, () -> ch.writev(ascii("a"), ascii("b"), null));

        assertTrue(e.getMessage().contains("iov[2]"), e.getMessage());
        assertEquals(0, ch.writeCalls.get());
    }

    // ---- writevAll ----------------------------------------------------------------------------

    @Test
    void writevAllLoopsOverPartialWritesUntilEverythingIsWritten() throws IOException {
        ScriptedChannel ch = channel().writes(bytes(3), bytes(4), bytes(4));
        ByteBuffer hello = ascii("hello");
        ByteBuffer empty = ByteBuffer.allocate(0);
        ByteBuffer world = ascii(" world");

        ch.writevAll(hello, empty, world);

        assertEquals("hello world", text(ch.written()));
        assertEquals(3, ch.writeCalls.get());
        assertFalse(hello.hasRemaining());
        assertFalse(world.hasRemaining());
    }

    @Test
    void writeAllOfOneBufferBehavesAsWritevAll() throws IOException {
        ScriptedChannel ch = channel().writes(bytes(1), bytes(9));

        ch.writeAll(ascii("abcd"));

        assertEquals("abcd", text(ch.written()));
    }

    @Test
    void writevAllRetriesAfterErrBlockOnceOutHolds() throws IOException {
        ScriptedChannel ch = channel().writes(block(), bytes(2), block(), bytes(2));
        ch.readiness.set(IoCondition.OUT);

        ch.writevAll(ascii("abcd"));

        assertEquals("abcd", text(ch.written()));
        assertEquals(4, ch.writeCalls.get());
    }

    @Test
    void writevAllAwaitsOutOnErrBlockAndRetriesWhenSignalled() throws Exception {
        ScriptedChannel ch = channel().writes(block(), bytes(10));
        ByteBuffer src = ascii("0123456789");

        Background<Void> writer = Background.start("writer", () -> {
            ch.writevAll(src);
            return null;
        });
        writer.awaitParkedIn(Waiter.class);
        assertEquals(1, ch.writeCalls.get(), "parked after the first, blocked write");
        assertEquals(List.of(Set.of(IoCondition.OUT)), ch.readiness.interests());
        ch.readiness.signal(IoCondition.OUT);

        assertNull(writer.result());
        assertEquals("0123456789", text(ch.written()));
    }

    @Test
    void writevAllSendsFdsWithTheFirstSuccessfulChunkOnly() throws IOException {
        TestFd fd = new TestFd(5);
        ScriptedChannel ch = channel(Feature.FD_PASS).writes(block(), bytes(2), bytes(3));
        ch.readiness.set(IoCondition.OUT);

        ch.writevAll(new ByteBuffer[] {ascii("abcde")}, List.of(fd), Set.of());

        List<NativeFd> withFd = List.of(fd);
        assertEquals(
                List.of(withFd, withFd, List.of()),
                ch.writeFds,
                "a blocked try keeps the fds; the first chunk that moves takes them");
        assertTrue(fd.isOpen(), "the caller keeps ownership of fds it sends");
    }

    @Test
    void writevAllStopsAtTheFirstError() {
        ScriptedChannel ch = channel().writes(bytes(1), fail("peer gone"));

        IOException e = assertThrows(IOException.class, () -> ch.writevAll(ascii("abc")));

        assertEquals("peer gone", e.getMessage());
        assertArrayEquals("a".getBytes(StandardCharsets.US_ASCII), ch.written());
    }
}

package dev.qio.channel.spi;

import static dev.qio.channel.spi.ScriptedChannel.block;
import static dev.qio.channel.spi.ScriptedChannel.bytes;
import static dev.qio.channel.spi.ScriptedChannel.eof;
import static dev.qio.channel.spi.ScriptedChannel.fail;
import static dev.qio.channel.spi.ScriptedChannel.pattern;
import static dev.qio.channel.spi.ScriptedChannel.zero;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qio.channel.Feature;
import dev.qio.channel.IoChannel;
import dev.qio.channel.IoCondition;
import dev.qio.channel.NativeFd;
import dev.qio.channel.ReadFlag;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Reads through {@link AbstractIoChannel}: single reads, and QEMU's {@code readv_full_all_eof}
 * algorithm (QEMU-NOTES 1.4) driven by a {@link ScriptedChannel}.
 */
@Timeout(60)
class AbstractIoChannelReadTest {
    private static final String NAME = "scripted://reader";

    private static ScriptedChannel channel(Feature... features) {
        return new ScriptedChannel(NAME, features);
    }

    /** The bytes between 0 and the position of each buffer, concatenated. */
    private static byte[] filled(ByteBuffer... iov) {
        int total = 0;
        for (ByteBuffer b : iov) {
            total += b.position();
        }
        ByteBuffer out = ByteBuffer.allocate(total);
        for (ByteBuffer b : iov) {
            out.put(b.duplicate().flip());
        }
        return out.array();
    }

    // ---- single reads -------------------------------------------------------------------------

    @Test
    void readvReturnsWhatTheHookMoved() throws IOException {
        ScriptedChannel ch = channel().reads(bytes(3));
        ByteBuffer a = ByteBuffer.allocate(2);
        ByteBuffer b = ByteBuffer.allocate(4);

        assertEquals(3, ch.readv(a, b));

        assertArrayEquals(pattern(0, 3), filled(a, b));
    }

    @Test
    void readvPassesEofAndErrBlockThrough() throws IOException {
        ScriptedChannel ch = channel().reads(block(), eof());

        assertEquals(IoChannel.ERR_BLOCK, ch.readv(ByteBuffer.allocate(4)));
        assertEquals(IoChannel.EOF, ch.readv(ByteBuffer.allocate(4)));
    }

    @Test
    void readOfOneBufferBehavesAsReadv() throws IOException {
        ScriptedChannel ch = channel().reads(bytes(5));
        ByteBuffer dst = ByteBuffer.allocate(3);

        assertEquals(3, ch.read(dst));

        assertArrayEquals(pattern(0, 3), filled(dst));
    }

    @Test
    void emptyIovReadsZeroWithoutCallingTheHook() throws IOException {
        ScriptedChannel ch = channel();

        assertEquals(0, ch.readv());
        assertEquals(0, ch.readv(ByteBuffer.allocate(0), ByteBuffer.allocate(4).position(4)));
        assertEquals(0, ch.read(ByteBuffer.allocate(0)));
        assertTrue(ch.readvAllEof(ByteBuffer.allocate(0)));

        assertEquals(0, ch.readCalls.get());
    }

    @Test
    void hookReturningZeroForANonEmptyIovIsReportedAsAProviderBug() {
        ScriptedChannel ch = channel().reads(zero());

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ch.readv(ByteBuffer.allocate(4)));

        assertTrue(e.getMessage().contains("provider bug"), e.getMessage());
        assertTrue(e.getMessage().contains(NAME), e.getMessage());
    }

    @Test
    void readOnlyBufferIsRefusedNamingItsIndex() {
        ScriptedChannel ch = channel();
        ByteBuffer[] iov = {ByteBuffer.allocate(4), ByteBuffer.allocate(4).asReadOnlyBuffer()};

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ch.readv(iov));

        assertTrue(e.getMessage().contains("iov[1]"), e.getMessage());
        assertEquals(0, ch.readCalls.get());
    }

    @Test
    void readvHandsTheHookTheCallersFdListAndFlags() throws IOException {
        ScriptedChannel ch = channel(Feature.FD_PASS, Feature.READ_MSG_PEEK).reads(bytes(1, new TestFd(7)));
        List<NativeFd> fds = new ArrayList<>();

        ch.readv(new ByteBuffer[] {ByteBuffer.allocate(1)}, fds, Set.of(ReadFlag.MSG_PEEK));

        assertEquals(List.of(true), ch.readGotFdsOut);
        assertEquals(List.of(Set.of(ReadFlag.MSG_PEEK)), ch.readFlags);
        assertEquals(1, fds.size());
    }

    // ---- readvAllEof: bytes ----------------------------------------------------------------------

    @Test
    void readvAllEofFillsEveryBufferOverSeveralPartialReads() throws IOException {
        ScriptedChannel ch = channel().reads(bytes(2), bytes(4), bytes(2));
        ByteBuffer a = ByteBuffer.allocate(3);
        ByteBuffer empty = ByteBuffer.allocate(0);
        ByteBuffer c = ByteBuffer.allocate(5);

        assertTrue(ch.readvAllEof(a, empty, c));

        assertFalse(a.hasRemaining());
        assertFalse(c.hasRemaining());
        assertArrayEquals(pattern(0, 8), filled(a, empty, c));
        assertEquals(3, ch.readCalls.get());
    }

    @Test
    void readvAllEofReturnsFalseOnEofBeforeAnyByteAndLeavesTheIovUntouched() throws IOException {
        ScriptedChannel ch = channel().reads(eof());
        ByteBuffer dst = ByteBuffer.allocate(4);

        assertFalse(ch.readvAllEof(dst));

        assertEquals(0, dst.position());
        assertArrayEquals(new byte[4], dst.array());
    }

    @Test
    void readvAllEofThrowsEofExceptionOnEofAfterSomeBytes() {
        ScriptedChannel ch = channel().reads(bytes(3), eof());

        EOFException e = assertThrows(EOFException.class, () -> ch.readvAllEof(ByteBuffer.allocate(8)));

        assertTrue(e.getMessage().contains(NAME), e.getMessage());
        assertTrue(e.getMessage().contains("Unexpected end-of-file"), e.getMessage());
    }

    @Test
    void readvAllEofRetriesAfterErrBlockOnceInHolds() throws IOException {
        ScriptedChannel ch = channel().reads(block(), block(), bytes(4));
        ch.readiness.set(IoCondition.IN);
        ByteBuffer dst = ByteBuffer.allocate(4);

        assertTrue(ch.readvAllEof(dst));

        assertEquals(3, ch.readCalls.get());
        assertArrayEquals(pattern(0, 4), dst.array());
    }

    @Test
    void readvAllEofAwaitsInOnErrBlockAndRetriesWhenSignalled() throws Exception {
        ScriptedChannel ch = channel().reads(block(), bytes(4));
        ByteBuffer dst = ByteBuffer.allocate(4);

        Background<Boolean> reader = Background.start("reader", () -> ch.readvAllEof(dst));
        reader.awaitParkedIn(Waiter.class);
        assertEquals(1, ch.readCalls.get(), "parked after the first, blocked read");
        assertEquals(List.of(Set.of(IoCondition.IN)), ch.readiness.interests());
        ch.readiness.signal(IoCondition.IN);

        assertTrue(reader.result());
        assertEquals(2, ch.readCalls.get());
        assertArrayEquals(pattern(0, 4), dst.array());
    }

    @Test
    void readvAllEofRefusesMsgPeek() {
        ScriptedChannel ch = channel(Feature.READ_MSG_PEEK);

        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> ch.readvAllEof(new ByteBuffer[] {ByteBuffer.allocate(4)}, null, Set.of(ReadFlag.MSG_PEEK)));

        assertTrue(e.getMessage().contains("MSG_PEEK"), e.getMessage());
        assertEquals(0, ch.readCalls.get());
    }

    @Test
    void readAllEofOfOneBufferBehavesAsReadvAllEof() throws IOException {
        ScriptedChannel ch = channel().reads(bytes(1), bytes(3));
        ByteBuffer dst = ByteBuffer.allocate(4);

        assertTrue(ch.readAllEof(dst));
        assertArrayEquals(pattern(0, 4), dst.array());
        assertFalse(channel().reads(eof()).readAllEof(ByteBuffer.allocate(4)));
    }

    // ---- readvAllEof: descriptors --------------------------------------------------------------

    @Test
    void fdsAreCollectedOnlyFromTheFirstReadThatReturns() throws IOException {
        TestFd first = new TestFd(10);
        TestFd later = new TestFd(11);
        ScriptedChannel ch = channel(Feature.FD_PASS).reads(bytes(2, first), bytes(2, later));
        List<NativeFd> fdsOut = new ArrayList<>();

        assertTrue(ch.readvAllEof(new ByteBuffer[] {ByteBuffer.allocate(4)}, fdsOut, Set.of()));

        assertEquals(List.of(true, false), ch.readGotFdsOut, "the second read must get fdsOut == null");
        assertEquals(List.<NativeFd>of(first), fdsOut);
        assertTrue(first.isOpen());
        assertFalse(later.isOpen(), "the hook closed the fds nobody asked for");
    }

    @Test
    void errBlockIsNotTheFirstReadThatReturns() throws IOException {
        TestFd fd = new TestFd(10);
        ScriptedChannel ch = channel(Feature.FD_PASS).reads(block(), bytes(2, fd), bytes(2));
        ch.readiness.set(IoCondition.IN);
        List<NativeFd> fdsOut = new ArrayList<>();

        assertTrue(ch.readvAllEof(new ByteBuffer[] {ByteBuffer.allocate(4)}, fdsOut, Set.of()));

        assertEquals(List.of(true, true, false), ch.readGotFdsOut);
        assertEquals(List.<NativeFd>of(fd), fdsOut);
    }

    @Test
    void aFirstReadThatDeliveredOnlyFdsMakesALaterEofUnclean() {
        TestFd fd = new TestFd(10);
        ScriptedChannel ch = channel(Feature.FD_PASS).reads(eof(fd), eof());
        List<NativeFd> fdsOut = new ArrayList<>();

        assertThrows(
                EOFException.class, () -> ch.readvAllEof(new ByteBuffer[] {ByteBuffer.allocate(4)}, fdsOut, Set.of()));

        assertEquals(List.of(), fdsOut, "the fd received by the failed call is removed");
        assertEquals(1, fd.closeCount(), "and closed");
    }

    @Test
    void aFirstReadThatDeliveredOnlyFdsIsFollowedByReadsForTheBytes() throws IOException {
        TestFd fd = new TestFd(10);
        ScriptedChannel ch = channel(Feature.FD_PASS).reads(eof(fd), bytes(4));
        List<NativeFd> fdsOut = new ArrayList<>();
        ByteBuffer dst = ByteBuffer.allocate(4);

        assertTrue(ch.readvAllEof(new ByteBuffer[] {dst}, fdsOut, Set.of()));

        assertEquals(List.<NativeFd>of(fd), fdsOut);
        assertTrue(fd.isOpen());
        assertArrayEquals(pattern(0, 4), dst.array());
    }

    @Test
    void emptyIovWithFdsOutStillReadsOnceToCollectFds() throws IOException {
        TestFd fd = new TestFd(10);
        ScriptedChannel ch = channel(Feature.FD_PASS).reads(eof(fd));
        List<NativeFd> fdsOut = new ArrayList<>();

        assertTrue(ch.readvAllEof(new ByteBuffer[0], fdsOut, Set.of()));

        assertEquals(1, ch.readCalls.get());
        assertEquals(List.<NativeFd>of(fd), fdsOut);
    }

    @Test
    void emptyIovWithFdsOutIsACleanEofWhenNoFdArrives() throws IOException {
        ScriptedChannel ch = channel(Feature.FD_PASS).reads(eof());

        assertFalse(ch.readvAllEof(new ByteBuffer[0], new ArrayList<>(), Set.of()));
    }

    @Test
    void onFailureTheFdsReceivedDuringTheCallAreClosedAndRemovedButEarlierOnesStay() {
        TestFd before = new TestFd(1);
        TestFd a = new TestFd(10);
        TestFd b = new TestFd(11);
        ScriptedChannel ch = channel(Feature.FD_PASS).reads(bytes(2, a, b), fail("transport broke"));
        List<NativeFd> fdsOut = new ArrayList<>(List.of(before));

        IOException e = assertThrows(
                IOException.class, () -> ch.readvAllEof(new ByteBuffer[] {ByteBuffer.allocate(4)}, fdsOut, Set.of()));

        assertEquals("transport broke", e.getMessage());
        assertEquals(List.<NativeFd>of(before), fdsOut);
        assertTrue(before.isOpen());
        assertEquals(1, a.closeCount());
        assertEquals(1, b.closeCount());
    }

    @Test
    void onEofAfterSomeBytesTheFdsReceivedAreClosed() {
        TestFd fd = new TestFd(10);
        ScriptedChannel ch = channel(Feature.FD_PASS).reads(bytes(2, fd), eof());
        List<NativeFd> fdsOut = new ArrayList<>();

        assertThrows(
                EOFException.class, () -> ch.readvAllEof(new ByteBuffer[] {ByteBuffer.allocate(4)}, fdsOut, Set.of()));

        assertEquals(List.of(), fdsOut);
        assertEquals(1, fd.closeCount());
    }

    // ---- readvAll ------------------------------------------------------------------------------

    @Test
    void readvAllThrowsEofExceptionOnACleanEof() {
        ScriptedChannel ch = channel().reads(eof());

        EOFException e = assertThrows(EOFException.class, () -> ch.readvAll(ByteBuffer.allocate(4)));

        assertTrue(e.getMessage().contains(NAME), e.getMessage());
    }

    @Test
    void readAllThrowsEofExceptionOnACleanEof() {
        assertThrows(EOFException.class, () -> channel().reads(eof()).readAll(ByteBuffer.allocate(4)));
    }

    @Test
    void readvAllFillsTheIov() throws IOException {
        ScriptedChannel ch = channel().reads(bytes(1), bytes(5));
        ByteBuffer a = ByteBuffer.allocate(2);
        ByteBuffer b = ByteBuffer.allocate(4);

        ch.readvAll(a, b);

        assertArrayEquals(pattern(0, 6), filled(a, b));
    }

    @Test
    void readvAllKeepsTheFdsOfASuccessfulRead() throws IOException {
        TestFd fd = new TestFd(10);
        ScriptedChannel ch = channel(Feature.FD_PASS).reads(bytes(4, fd));
        List<NativeFd> fdsOut = new ArrayList<>();

        ch.readvAll(new ByteBuffer[] {ByteBuffer.allocate(4)}, fdsOut, Set.of());

        assertEquals(1, fdsOut.size());
        assertSame(fd, fdsOut.getFirst());
    }
}

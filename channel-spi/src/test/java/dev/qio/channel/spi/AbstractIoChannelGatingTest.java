package dev.qio.channel.spi;

import static dev.qio.channel.spi.ScriptedChannel.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Feature gating in {@link AbstractIoChannel}, as QEMU's {@code io/channel.c} does it: refused
 * before any hook runs, with QEMU's message after the channel's name.
 */
class AbstractIoChannelGatingTest {
    private static final String NAME = "scripted://gated";

    /** An operation on a channel. */
    @FunctionalInterface
    interface Op {
        void run(IoChannel ch) throws IOException;
    }

    private static ByteBuffer[] oneByte() {
        return new ByteBuffer[] {ByteBuffer.allocate(1)};
    }

    private static List<NativeFd> oneFd() {
        return List.of(new TestFd(3));
    }

    private static Arguments gate(String what, Op op, Feature needed, String qemuMessage, Feature... has) {
        return Arguments.of(Named.of(what, op), needed, qemuMessage, has);
    }

    static Stream<Arguments> refusals() {
        String fdPass = "Channel does not support file descriptor passing";
        String seekable = "Requested channel is not seekable";
        return Stream.of(
                gate(
                        "readv with fdsOut",
                        ch -> ch.readv(oneByte(), new ArrayList<>(), Set.of()),
                        Feature.FD_PASS,
                        fdPass),
                gate(
                        "readvAllEof with fdsOut",
                        ch -> ch.readvAllEof(oneByte(), new ArrayList<>(), Set.of()),
                        Feature.FD_PASS,
                        fdPass),
                gate(
                        "readvAll with fdsOut",
                        ch -> ch.readvAll(oneByte(), new ArrayList<>(), Set.of()),
                        Feature.FD_PASS,
                        fdPass),
                gate("writev with fds", ch -> ch.writev(oneByte(), oneFd(), Set.of()), Feature.FD_PASS, fdPass),
                gate("writevAll with fds", ch -> ch.writevAll(oneByte(), oneFd(), Set.of()), Feature.FD_PASS, fdPass),
                gate(
                        "readv with MSG_PEEK",
                        ch -> ch.readv(oneByte(), null, Set.of(ReadFlag.MSG_PEEK)),
                        Feature.READ_MSG_PEEK,
                        "Channel does not support peek read"),
                gate(
                        "writev with ZERO_COPY",
                        ch -> ch.writev(oneByte(), null, Set.of(WriteFlag.ZERO_COPY)),
                        Feature.WRITE_ZERO_COPY,
                        "Requested Zero Copy feature is not available"),
                gate(
                        "writevAll with ZERO_COPY",
                        ch -> ch.writevAll(oneByte(), null, Set.of(WriteFlag.ZERO_COPY)),
                        Feature.WRITE_ZERO_COPY,
                        "Requested Zero Copy feature is not available"),
                gate(
                        "writev with ZERO_COPY and fds",
                        ch -> ch.writev(oneByte(), oneFd(), Set.of(WriteFlag.ZERO_COPY)),
                        Feature.WRITE_ZERO_COPY,
                        "Zero Copy does not support file descriptor passing",
                        Feature.FD_PASS,
                        Feature.WRITE_ZERO_COPY),
                gate("seek", ch -> ch.seek(0, Whence.SET), Feature.SEEKABLE, seekable),
                gate("preadv", ch -> ch.preadv(oneByte(), 0), Feature.SEEKABLE, seekable),
                gate("pwritev", ch -> ch.pwritev(oneByte(), 0), Feature.SEEKABLE, seekable),
                gate(
                        "shutdown",
                        ch -> ch.shutdown(Shutdown.BOTH),
                        Feature.SHUTDOWN,
                        "Data path shutdown not supported"));
    }

    @ParameterizedTest(name = "{0} needs {1}")
    @MethodSource("refusals")
    void missingFeatureIsRefusedWithQemusMessageBeforeAnyHookRuns(
            Op op, Feature needed, String qemuMessage, Feature[] has) {
        ScriptedChannel ch = new ScriptedChannel(NAME, has);

        UnsupportedFeatureException e = assertThrows(UnsupportedFeatureException.class, () -> op.run(ch));

        assertEquals(needed, e.feature());
        assertEquals(NAME + ": " + qemuMessage, e.getMessage());
        assertEquals(0, ch.readCalls.get(), "implReadv was called");
        assertEquals(0, ch.writeCalls.get(), "implWritev was called");
        assertEquals(List.of(), ch.optionalCalls);
    }

    // ---- the same operations with the feature ------------------------------------------------

    @Test
    void seekableChannelCallsThePositionalHooks() throws IOException {
        ScriptedChannel ch = new ScriptedChannel(NAME, Feature.SEEKABLE);

        assertEquals(7, ch.seek(7, Whence.CUR));
        assertEquals(1, ch.preadv(oneByte(), 5));
        assertEquals(1, ch.pwritev(oneByte(), 6));

        assertEquals(List.of("seek 7 CUR", "preadv@5", "pwritev@6"), ch.optionalCalls);
    }

    @Test
    void positionalIoAtANegativeOffsetIsRefused() {
        ScriptedChannel ch = new ScriptedChannel(NAME, Feature.SEEKABLE);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ch.preadv(oneByte(), -1));
        assertThrows(IllegalArgumentException.class, () -> ch.pwritev(oneByte(), -1));

        assertTrue(e.getMessage().contains("-1"), e.getMessage());
        assertEquals(List.of(), ch.optionalCalls);
    }

    @Test
    void channelWithShutdownCallsTheShutdownHook() throws IOException {
        ScriptedChannel ch = new ScriptedChannel(NAME, Feature.SHUTDOWN);

        ch.shutdown(Shutdown.WRITE);

        assertEquals(List.of("shutdown WRITE"), ch.optionalCalls);
    }

    @Test
    void channelWithReadMsgPeekPassesTheFlagToTheHook() throws IOException {
        ScriptedChannel ch = new ScriptedChannel(NAME, Feature.READ_MSG_PEEK).reads(bytes(1));

        ch.readv(oneByte(), null, Set.of(ReadFlag.MSG_PEEK));

        assertEquals(List.of(Set.of(ReadFlag.MSG_PEEK)), ch.readFlags);
    }

    @Test
    void channelWithZeroCopyCallsTheWriteHook() throws IOException {
        ScriptedChannel ch = new ScriptedChannel(NAME, Feature.WRITE_ZERO_COPY).writes(bytes(1));

        assertEquals(1, ch.writev(oneByte(), null, Set.of(WriteFlag.ZERO_COPY)));
    }

    @Test
    void channelWithFdPassHandsTheFdsToTheWriteHook() throws IOException {
        ScriptedChannel ch = new ScriptedChannel(NAME, Feature.FD_PASS).writes(bytes(1));
        List<NativeFd> fds = oneFd();

        ch.writev(oneByte(), fds, Set.of());

        assertEquals(List.of(fds), ch.writeFds);
    }

    @Test
    void featuresAreTheOnesTheSubclassSetAndCannotBeChangedByCallers() {
        ScriptedChannel ch = new ScriptedChannel(NAME, Feature.SHUTDOWN, Feature.SEEKABLE);

        assertEquals(Set.of(Feature.SHUTDOWN, Feature.SEEKABLE), ch.features());
        assertTrue(ch.hasFeature(Feature.SEEKABLE));
        assertThrows(UnsupportedOperationException.class, () -> ch.features().add(Feature.FD_PASS));
    }
}

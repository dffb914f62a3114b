package dev.qio.channel.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qio.channel.Feature;
import dev.qio.channel.IoChannel;
import dev.qio.channel.IoCondition;
import dev.qio.channel.Shutdown;
import dev.qio.channel.Whence;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link AbstractIoChannel}'s close, modes and hints. */
@Timeout(60)
class AbstractIoChannelLifecycleTest {
    private static final String NAME = "scripted://life";

    /** An operation on a channel. */
    @FunctionalInterface
    interface Op {
        void run(IoChannel ch) throws IOException;
    }

    private static ByteBuffer[] oneByte() {
        return new ByteBuffer[] {ByteBuffer.allocate(1)};
    }

    private static Named<Op> op(String name, Op op) {
        return Named.of(name, op);
    }

    static Stream<Named<Op>> operations() {
        return Stream.of(
                op("readv", ch -> ch.readv(oneByte())),
                op("readv full", ch -> ch.readv(oneByte(), new ArrayList<>(), Set.of())),
                op("read", ch -> ch.read(ByteBuffer.allocate(1))),
                op("readvAllEof", ch -> ch.readvAllEof(oneByte())),
                op("readAllEof", ch -> ch.readAllEof(ByteBuffer.allocate(1))),
                op("readvAll", ch -> ch.readvAll(oneByte())),
                op("readAll", ch -> ch.readAll(ByteBuffer.allocate(1))),
                op("writev", ch -> ch.writev(oneByte())),
                op("write", ch -> ch.write(ByteBuffer.allocate(1))),
                op("writevAll", ch -> ch.writevAll(oneByte())),
                op("writeAll", ch -> ch.writeAll(ByteBuffer.allocate(1))),
                op("preadv", ch -> ch.preadv(oneByte(), 0)),
                op("pwritev", ch -> ch.pwritev(oneByte(), 0)),
                op("seek", ch -> ch.seek(0, Whence.SET)),
                op("setBlocking", ch -> ch.setBlocking(false)),
                op("shutdown", ch -> ch.shutdown(Shutdown.BOTH)),
                op("flush", IoChannel::flush),
                op("peerPid", IoChannel::peerPid),
                op("await", ch -> ch.await(IoCondition.IN)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("operations")
    void everyOperationAfterCloseThrowsClosedChannelExceptionNamingTheChannel(Op op) throws IOException {
        ScriptedChannel ch = new ScriptedChannel(NAME, Feature.values());
        ch.readiness.set(IoCondition.IN, IoCondition.OUT);
        ch.close();

        ClosedChannelException e = assertThrows(ClosedChannelException.class, () -> op.run(ch));

        assertTrue(String.valueOf(e.getMessage()).contains(NAME), "message: " + e.getMessage());
        assertEquals(0, ch.readCalls.get() + ch.writeCalls.get());
        assertEquals(List.of(), ch.optionalCalls);
        assertEquals(List.of(), ch.blockingChanges);
    }

    @Test
    void closedChannelExceptionNamesTheCurrentName() throws IOException {
        ScriptedChannel ch = new ScriptedChannel(NAME);
        ch.setName("renamed");
        ch.close();

        ClosedChannelException e = assertThrows(ClosedChannelException.class, () -> ch.readv(oneByte()));

        assertTrue(e.getMessage().contains("renamed"), e.getMessage());
        assertEquals("renamed", ch.name());
    }

    @Test
    void closeIsIdempotentAndCallsImplCloseOnce() throws IOException {
        ScriptedChannel ch = new ScriptedChannel(NAME);

        ch.close();
        ch.close();

        assertFalse(ch.isOpen());
        assertEquals(1, ch.closeCalls.get());
    }

    @Test
    void closeRacingFromSeveralThreadsCallsImplCloseOnce() throws Exception {
        for (int round = 0; round < 50; round++) {
            ScriptedChannel ch = new ScriptedChannel(NAME);
            CountDownLatch go = new CountDownLatch(1);
            List<Background<Void>> closers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                closers.add(Background.start("closer-" + i, () -> {
                    go.await();
                    ch.close();
                    return null;
                }));
            }
            go.countDown();
            for (Background<Void> c : closers) {
                c.result();
            }

            assertEquals(1, ch.closeCalls.get(), "round " + round);
        }
    }

    @Test
    void flushReturnsZeroWithoutZeroCopyAndSkipsTheHook() throws IOException {
        ScriptedChannel ch = new ScriptedChannel(NAME);

        assertEquals(0, ch.flush());

        assertEquals(List.of(), ch.optionalCalls);
    }

    @Test
    void flushReturnsTheHooksResultWithZeroCopy() throws IOException {
        ScriptedChannel ch = new ScriptedChannel(NAME, Feature.WRITE_ZERO_COPY);

        assertEquals(1, ch.flush());

        assertEquals(List.of("flush"), ch.optionalCalls);
    }

    @Test
    void setBlockingCallsTheHookOnlyWhenTheModeChanges() throws IOException {
        ScriptedChannel ch = new ScriptedChannel(NAME);

        assertTrue(ch.isBlocking(), "a new channel blocks");
        ch.setBlocking(true);
        ch.setBlocking(false);
        ch.setBlocking(false);
        ch.setBlocking(true);

        assertEquals(List.of(false, true), ch.blockingChanges);
        assertTrue(ch.isBlocking());
    }

    @Test
    void delayAndCorkHintsReachTheHooksWhileOpen() {
        ScriptedChannel ch = new ScriptedChannel(NAME);

        ch.setDelay(false);
        ch.setCork(true);

        assertEquals(List.of("delay false", "cork true"), ch.optionalCalls);
    }

    @Test
    void delayAndCorkAfterCloseAreSilentNoOps() throws IOException {
        ScriptedChannel ch = new ScriptedChannel(NAME);
        ch.close();

        ch.setDelay(true);
        ch.setCork(true);

        assertEquals(List.of(), ch.optionalCalls);
    }

    @Test
    void peerPidComesFromTheHook() throws IOException {
        assertEquals(42, new ScriptedChannel(NAME).peerPid());
    }
}

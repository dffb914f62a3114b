package dev.qio.provider.socket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.qio.channel.Feature;
import dev.qio.channel.IoChannel;
import dev.qio.channel.UnsupportedFeatureException;
import dev.qio.channel.WriteFlag;
import dev.qio.testkit.Background;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * WRITE_ZERO_COPY on {@code tcp:} (native backend): MSG_ZEROCOPY sends, completions from the error
 * queue, {@code flush()} as QEMU's. Over loopback the kernel always copies, so a flush after
 * zero-copy sends returns 1; a flush with nothing pending returns 0 at once.
 */
@Timeout(60)
class ZeroCopyTest {

    private static TestSupport.Connected tcp() throws IOException {
        return TestSupport.Connected.over("tcp4");
    }

    @Test
    void advertisedOnNativeTcpOnly() throws IOException {
        try (TestSupport.Connected c = tcp()) {
            assertEquals(TestSupport.nativeExpected(), c.client().hasFeature(Feature.WRITE_ZERO_COPY));
            assertEquals(TestSupport.nativeExpected(), c.server().hasFeature(Feature.WRITE_ZERO_COPY));
        }
        try (TestSupport.Connected c = TestSupport.Connected.over("unix")) {
            assertFalse(c.client().hasFeature(Feature.WRITE_ZERO_COPY));
            assertThrows(
                    UnsupportedFeatureException.class,
                    () -> c.client()
                            .writev(
                                    new ByteBuffer[] {ByteBuffer.allocateDirect(1)},
                                    java.util.List.of(),
                                    Set.of(WriteFlag.ZERO_COPY)));
            assertEquals(0, c.client().flush());
        }
    }

    /** 8 MiB in 64 KiB..192 KiB direct chunks, zero-copy, read concurrently: intact and in order; loopback copies, so 1. */
    @Test
    void bytesArriveIntactAndInOrderAndLoopbackFlushSaysCopied() throws Exception {
        assumeTrue(TestSupport.nativeExpected(), "zero-copy needs the native backend");
        Random random = new Random(42);
        byte[] data = new byte[8 << 20];
        random.nextBytes(data);
        try (TestSupport.Connected c = tcp()) {
            IoChannel w = c.client();
            assertEquals(0, w.flush(), "nothing pending: 0 at once");
            Background<byte[]> reader = Background.start("reader", () -> {
                byte[] got = new byte[data.length];
                c.server().readAll(ByteBuffer.wrap(got));
                return got;
            });
            // Every buffer stays untouched until flush(): each chunk has its own.
            for (int at = 0; at < data.length; ) {
                int len = Math.min(data.length - at, (64 << 10) + random.nextInt(128 << 10));
                ByteBuffer chunk =
                        ByteBuffer.allocateDirect(len).put(data, at, len).flip();
                w.writevAll(new ByteBuffer[] {chunk}, java.util.List.of(), Set.of(WriteFlag.ZERO_COPY));
                at += len;
            }
            assertEquals(1, w.flush(), "over loopback the kernel copies every zero-copy send");
            assertEquals(0, w.flush(), "a second flush has nothing pending");
            assertArrayEquals(data, reader.result());
        }
    }

    /** Below the threshold, and from heap buffers, ZERO_COPY writes are copied: nothing for flush to wait for. */
    @Test
    void smallAndHeapWritesAreCopied() throws Exception {
        assumeTrue(TestSupport.nativeExpected(), "zero-copy needs the native backend");
        try (TestSupport.Connected c = tcp()) {
            IoChannel w = c.client();
            w.writevAll(
                    new ByteBuffer[] {ByteBuffer.allocateDirect(1000)},
                    java.util.List.of(),
                    Set.of(WriteFlag.ZERO_COPY));
            w.writevAll(
                    new ByteBuffer[] {ByteBuffer.allocate(64 << 10)}, java.util.List.of(), Set.of(WriteFlag.ZERO_COPY));
            assertEquals(0, w.flush());
            c.server().readAll(ByteBuffer.allocate(1000 + (64 << 10)));
        }
    }

    /** A flush on a virtual thread waits through the poller and returns. */
    @Test
    void flushOnAVirtualThread() throws Exception {
        assumeTrue(TestSupport.nativeExpected(), "zero-copy needs the native backend");
        try (TestSupport.Connected c = tcp()) {
            IoChannel w = c.client();
            Background<byte[]> reader = Background.start("reader", () -> {
                byte[] got = new byte[1 << 20];
                c.server().readAll(ByteBuffer.wrap(got));
                return got;
            });
            ByteBuffer big = ByteBuffer.allocateDirect(1 << 20);
            try (Background<Integer> v = Background.startVirtual("zero-copy writer", () -> {
                w.writevAll(new ByteBuffer[] {big}, java.util.List.of(), Set.of(WriteFlag.ZERO_COPY));
                return w.flush();
            })) {
                assertEquals(1, v.result());
            }
            assertEquals(1 << 20, reader.result().length);
        }
    }
}

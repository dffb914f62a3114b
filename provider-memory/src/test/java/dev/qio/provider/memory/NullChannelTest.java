package dev.qio.provider.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.IoCondition;
import dev.qio.channel.NativeFd;
import dev.qio.channel.Shutdown;
import dev.qio.channel.UnsupportedFeatureException;
import dev.qio.channel.Whence;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@code null:}: EOF in, everything out, no features. */
class NullChannelTest {

    @Test
    void writesTakeEverythingAndReadsAreEof() throws IOException {
        try (IoChannel ch = IoChannels.open("null:")) {
            assertEquals("null:", ch.name());
            assertEquals(Set.of(), ch.features());
            ByteBuffer a = ByteBuffer.allocate(10);
            ByteBuffer b = ByteBuffer.allocateDirect(7);
            assertEquals(17, ch.writev(a, b));
            assertFalse(a.hasRemaining() || b.hasRemaining(), "the written bytes are consumed");
            assertEquals(IoChannel.EOF, ch.read(ByteBuffer.allocate(5)));
            ch.setBlocking(false);
            assertEquals(IoChannel.EOF, ch.read(ByteBuffer.allocate(5)), "never ERR_BLOCK");
            assertEquals(3, ch.write(ByteBuffer.allocate(3)));
            ch.await(IoCondition.IN);
            ch.await(IoCondition.OUT);
            assertFalse(ch.readAllEof(ByteBuffer.allocate(1)), "clean EOF before any byte");
        }
    }

    @Test
    void refusesEverythingNeedingAFeature() throws IOException {
        try (IoChannel ch = IoChannels.open("null:")) {
            assertThrows(UnsupportedFeatureException.class, () -> ch.seek(0, Whence.SET));
            assertThrows(UnsupportedFeatureException.class, () -> ch.shutdown(Shutdown.WRITE));
            assertThrows(
                    UnsupportedFeatureException.class, () -> ch.preadv(new ByteBuffer[] {ByteBuffer.allocate(1)}, 0));
            assertThrows(
                    UnsupportedFeatureException.class,
                    () -> ch.readv(new ByteBuffer[] {ByteBuffer.allocate(1)}, new ArrayList<NativeFd>(), Set.of()));
        }
    }

    @Test
    void ioAfterCloseIsClosedChannel() throws IOException {
        IoChannel ch = IoChannels.open("null:");
        ch.close();
        ch.close();
        assertFalse(ch.isOpen());
        assertThrows(ClosedChannelException.class, () -> ch.read(ByteBuffer.allocate(1)));
        assertThrows(ClosedChannelException.class, () -> ch.write(ByteBuffer.allocate(1)));
    }
}

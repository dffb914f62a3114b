package dev.qio.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoCondition;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Moves one {@link Inputs.Transfer} through a fresh pair and checks it byte for byte, then checks
 * that the reader sees EOF, and keeps seeing it. Concurrent fixtures run writer and reader on two
 * threads; the others write everything, finish, then read.
 */
final class RoundTrip {
    private RoundTrip() {}

    static void run(ChannelFixture fixture, Inputs.Transfer t, boolean blocking) throws Throwable {
        byte[] sent = t.data();
        byte[] received = new byte[t.size()];
        try (ChannelPair pair = fixture.open()) {
            IoChannel w = pair.writer();
            w.setBlocking(blocking);
            if (Kit.has(fixture, Capability.CONCURRENT)) {
                IoChannel r = pair.reader();
                r.setBlocking(blocking);
                Concurrently.run(
                        pair,
                        () -> {
                            write(w, t, sent);
                            pair.finishWriting();
                        },
                        () -> {
                            read(r, t, received);
                            expectEof(r);
                        });
            } else {
                write(w, t, sent);
                pair.finishWriting();
                IoChannel r = pair.reader();
                r.setBlocking(blocking);
                read(r, t, received);
                expectEof(r);
            }
        }
        assertSame(sent, received);
    }

    static void write(IoChannel w, Inputs.Transfer t, byte[] data) throws IOException {
        for (ByteBuffer[] iov : t.write().calls(t.size(), data, true)) {
            if (t.rawWrite()) {
                CheckedIo.writeFully(w, iov);
            } else {
                w.writevAll(iov);
                assertEquals(0, CheckedIo.remaining(iov), w.name() + ": writevAll returned with bytes left");
            }
        }
    }

    static void read(IoChannel r, Inputs.Transfer t, byte[] into) throws IOException {
        int at = 0;
        for (ByteBuffer[] iov : t.read().calls(t.size(), null, false)) {
            if (t.rawRead()) {
                if (!CheckedIo.readFully(r, iov)) {
                    fail(r.name() + ": EOF after " + (at + CheckedIo.remaining(iov)) + " of " + t.size() + " bytes");
                }
            } else {
                r.readvAll(iov);
            }
            for (ByteBuffer b : iov) {
                b.flip();
                int n = b.remaining();
                b.get(into, at, n);
                at += n;
            }
        }
        assertEquals(t.size(), at, "bytes read");
    }

    /** After the writer finished and everything was read: EOF, three times in a row, and no bytes. */
    static void expectEof(IoChannel r) throws IOException {
        ByteBuffer one = ByteBuffer.allocate(1);
        for (int i = 0; i < 3; i++) {
            long n;
            while ((n = CheckedIo.readv(r, new ByteBuffer[] {one})) == IoChannel.ERR_BLOCK) {
                r.await(IoCondition.IN);
            }
            assertEquals(IoChannel.EOF, n, r.name() + ": expected EOF after the last byte (read " + (i + 1) + ")");
        }
    }

    static void assertSame(byte[] sent, byte[] received) {
        assertEquals(sent.length, received.length, "length");
        for (int i = 0; i < sent.length; i++) {
            if (sent[i] != received[i]) {
                fail("byte " + i + " of " + sent.length + " differs: sent " + (sent[i] & 0xff) + ", received "
                        + (received[i] & 0xff) + " (data lost, reordered or duplicated)");
            }
        }
    }
}

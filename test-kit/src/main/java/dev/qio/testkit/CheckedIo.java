package dev.qio.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoCondition;
import dev.qio.channel.WriteFlag;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Set;

/**
 * Raw readv/writev calls that check the partial-I/O contract on every call: a non-empty iov never
 * gives 0; {@code 0 < n <= remaining}; buffers fill (drain) strictly in order; each position moves
 * by exactly what moved through it; limits never change; ERR_BLOCK only in non-blocking mode and
 * EOF or ERR_BLOCK move nothing.
 */
final class CheckedIo {
    private CheckedIo() {}

    static long readv(IoChannel ch, ByteBuffer[] iov) throws IOException {
        int[] pos = positions(iov);
        int[] lim = limits(iov);
        boolean blocking = ch.isBlocking();
        long room = remaining(iov);
        long n = ch.readv(iov);
        check(ch, "readv", iov, pos, lim, room, n, blocking, true);
        return n;
    }

    static long writev(IoChannel ch, ByteBuffer[] iov) throws IOException {
        return writev(ch, iov, Set.of());
    }

    static long writev(IoChannel ch, ByteBuffer[] iov, Set<WriteFlag> flags) throws IOException {
        int[] pos = positions(iov);
        int[] lim = limits(iov);
        boolean blocking = ch.isBlocking();
        long room = remaining(iov);
        long n = ch.writev(iov, null, flags);
        check(ch, "writev", iov, pos, lim, room, n, blocking, false);
        return n;
    }

    /**
     * {@link #readv} on a non-blocking channel, which must return within {@link Kit#PROMPT}: a
     * provider whose non-blocking read waits for the peer fails here, with where it waits, instead
     * of hanging the property.
     */
    static long readvPromptly(IoChannel ch, ByteBuffer[] iov) throws Exception {
        return Background.within(
                "qio-kit-nonblocking",
                Kit.PROMPT,
                ch.name() + ": a non-blocking readv of " + remaining(iov) + " bytes did not return",
                () -> readv(ch, iov));
    }

    /** {@link #writev} on a non-blocking channel, which must return within {@link Kit#PROMPT}; see {@link #readvPromptly}. */
    static long writevPromptly(IoChannel ch, ByteBuffer[] iov) throws Exception {
        return Background.within(
                "qio-kit-nonblocking",
                Kit.PROMPT,
                ch.name() + ": a non-blocking writev of " + remaining(iov) + " bytes did not return",
                () -> writev(ch, iov));
    }

    /** Writes all of {@code iov} with raw writev calls, awaiting OUT on ERR_BLOCK. */
    static void writeFully(IoChannel ch, ByteBuffer[] iov) throws IOException {
        writeFully(ch, iov, Set.of());
    }

    /** As {@link #writeFully(IoChannel, ByteBuffer[])}, each call with {@code flags}. */
    static void writeFully(IoChannel ch, ByteBuffer[] iov, Set<WriteFlag> flags) throws IOException {
        while (remaining(iov) > 0) {
            if (writev(ch, iov, flags) == IoChannel.ERR_BLOCK) {
                ch.await(IoCondition.OUT);
            }
        }
    }

    /**
     * Reads until {@code iov} is full with raw readv calls, awaiting IN on ERR_BLOCK.
     *
     * @return false if EOF came before the iov was full
     */
    static boolean readFully(IoChannel ch, ByteBuffer[] iov) throws IOException {
        while (remaining(iov) > 0) {
            long n = readv(ch, iov);
            if (n == IoChannel.EOF) {
                return false;
            }
            if (n == IoChannel.ERR_BLOCK) {
                ch.await(IoCondition.IN);
            }
        }
        return true;
    }

    private static void check(
            IoChannel ch,
            String op,
            ByteBuffer[] iov,
            int[] pos,
            int[] lim,
            long room,
            long n,
            boolean blocking,
            boolean read) {
        String where = ch.name() + " " + op + " of " + room + " bytes in " + iov.length + " buffers returned " + n;
        for (int i = 0; i < iov.length; i++) {
            assertEquals(lim[i], iov[i].limit(), where + ": limit of iov[" + i + "] changed");
        }
        if (room == 0) {
            assertEquals(0, n, where + ": an empty iov must give 0");
            return;
        }
        if (n == IoChannel.ERR_BLOCK || n == IoChannel.EOF) {
            if (n == IoChannel.ERR_BLOCK && blocking) {
                fail(where + ": ERR_BLOCK in blocking mode");
            }
            if (n == IoChannel.EOF && !read) {
                fail(where + ": a write cannot return EOF");
            }
            for (int i = 0; i < iov.length; i++) {
                assertEquals(
                        pos[i], iov[i].position(), where + ": iov[" + i + "] moved although nothing was transferred");
            }
            return;
        }
        assertTrue(n > 0, where + ": a non-empty iov must never give 0 or a negative count other than EOF/ERR_BLOCK");
        assertTrue(n <= room, where + ": moved more than the iov holds");
        long moved = 0;
        boolean gapSeen = false;
        for (int i = 0; i < iov.length; i++) {
            int d = iov[i].position() - pos[i];
            assertTrue(d >= 0, where + ": iov[" + i + "] moved backwards");
            if (d > 0 && gapSeen) {
                fail(where + ": iov[" + i + "] was used before an earlier buffer was " + (read ? "full" : "drained"));
            }
            if (iov[i].hasRemaining()) {
                gapSeen = true;
            }
            moved += d;
        }
        assertEquals(n, moved, where + ": positions moved by " + moved + " in total");
    }

    static long remaining(ByteBuffer[] iov) {
        long r = 0;
        for (ByteBuffer b : iov) {
            r += b.remaining();
        }
        return r;
    }

    private static int[] positions(ByteBuffer[] iov) {
        int[] p = new int[iov.length];
        for (int i = 0; i < iov.length; i++) {
            p[i] = iov[i].position();
        }
        return p;
    }

    private static int[] limits(ByteBuffer[] iov) {
        int[] p = new int[iov.length];
        for (int i = 0; i < iov.length; i++) {
            p[i] = iov[i].limit();
        }
        return p;
    }
}

package dev.qio.provider.ws;

import java.nio.ByteBuffer;

/**
 * Checks UTF-8 incrementally, so a text message split across frames and reads is checked as one
 * (RFC 6455 section 8.1: invalid text fails the connection with 1007). It refuses overlong forms,
 * surrogates and code points past U+10FFFF, as {@code java.nio.charset} does.
 */
final class Utf8Check {
    private static final long ASCII_ONLY = 0x8080_8080_8080_8080L;

    /** Continuation bytes still expected in the current sequence. */
    private int need;
    /** Bounds of the next continuation byte: tighter after E0, ED, F0 and F4. */
    private int lower = 0x80;

    private int upper = 0xBF;

    /** Starts a new message. */
    void reset() {
        need = 0;
        lower = 0x80;
        upper = 0xBF;
    }

    /** Whether the bytes so far end on a whole character (checked at the end of a message). */
    boolean isComplete() {
        return need == 0;
    }

    /**
     * Feeds {@code length} bytes of {@code buf} from absolute index {@code from}.
     *
     * @return false at the first byte that cannot be UTF-8 here
     */
    boolean feed(ByteBuffer buf, int from, int length) {
        int i = from;
        int end = from + length;
        while (i < end) {
            if (need == 0 && i + 8 <= end && (buf.getLong(i) & ASCII_ONLY) == 0) {
                i += 8; // plain ASCII, the common case, eight bytes at a time
                continue;
            }
            if (!step(buf.get(i) & 0xFF)) {
                return false;
            }
            i++;
        }
        return true;
    }

    private boolean step(int b) {
        if (need > 0) {
            if (b < lower || b > upper) {
                return false;
            }
            lower = 0x80;
            upper = 0xBF;
            need--;
            return true;
        }
        if (b < 0x80) {
            return true;
        }
        if (b >= 0xC2 && b <= 0xDF) {
            need = 1;
        } else if (b >= 0xE0 && b <= 0xEF) {
            need = 2;
            lower = b == 0xE0 ? 0xA0 : 0x80; // E0 80..9F would be overlong
            upper = b == 0xED ? 0x9F : 0xBF; // ED A0..BF would be a surrogate
        } else if (b >= 0xF0 && b <= 0xF4) {
            need = 3;
            lower = b == 0xF0 ? 0x90 : 0x80; // F0 80..8F would be overlong
            upper = b == 0xF4 ? 0x8F : 0xBF; // F4 90.. would pass U+10FFFF
        } else {
            return false; // a stray continuation byte, C0, C1, or F5..FF
        }
        return true;
    }
}

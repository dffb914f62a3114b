package dev.qio.provider.ws;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * RFC 6455 frame encoding: opcodes, headers, masking and close codes. Stateless, and none of it
 * allocates, so the read and write paths call it per frame.
 */
final class Frames {
    private Frames() {}

    static final int CONTINUATION = 0x0;
    static final int TEXT = 0x1;
    static final int BINARY = 0x2;
    static final int CLOSE = 0x8;
    static final int PING = 0x9;
    static final int PONG = 0xA;

    /** The longest header: 2 bytes, a 64-bit length, a 4-byte mask key. */
    static final int MAX_HEADER = 14;
    /** Control frames carry at most this much (section 5.5). */
    static final int MAX_CONTROL_PAYLOAD = 125;

    static final int NORMAL = 1000;
    static final int GOING_AWAY = 1001;
    static final int PROTOCOL_ERROR = 1002;
    static final int UNACCEPTABLE_DATA = 1003;
    static final int NO_STATUS = 1005;
    static final int ABNORMAL = 1006;
    static final int INVALID_PAYLOAD = 1007;
    static final int TOO_BIG = 1009;

    /**
     * Puts a frame header at {@code dst}'s position: FIN set, no reserved bits, the shortest length
     * form, and {@code maskKey} after it when {@code masked}.
     *
     * @return the header's length
     */
    static int putHeader(ByteBuffer dst, int opcode, long length, boolean masked, int maskKey) {
        int start = dst.position();
        dst.put((byte) (0x80 | opcode));
        int maskBit = masked ? 0x80 : 0;
        if (length <= 125) {
            dst.put((byte) (maskBit | length));
        } else if (length <= 0xFFFF) {
            dst.put((byte) (maskBit | 126));
            dst.putShort((short) length);
        } else {
            dst.put((byte) (maskBit | 127));
            dst.putLong(length);
        }
        if (masked) {
            dst.putInt(maskKey);
        }
        return dst.position() - start;
    }

    /**
     * XORs {@code length} bytes of {@code buf} from absolute index {@code from} with the mask key,
     * as section 5.3 says, for payload bytes that start {@code offset} bytes into their frame.
     * Works eight bytes at a time, whatever the buffer's byte order.
     */
    static void mask(ByteBuffer buf, int from, int length, int maskKey, long offset) {
        int key = Integer.rotateLeft(maskKey, 8 * (int) (offset & 3));
        long wide = (key & 0xFFFF_FFFFL) << 32 | (key & 0xFFFF_FFFFL);
        if (buf.order() == ByteOrder.LITTLE_ENDIAN) {
            wide = Long.reverseBytes(wide);
        }
        int i = from;
        int end = from + length;
        for (; i + 8 <= end; i += 8) {
            buf.putLong(i, buf.getLong(i) ^ wide);
        }
        for (int k = 0; i < end; i++, k++) { // the eight-byte steps kept the key's phase
            buf.put(i, (byte) (buf.get(i) ^ key >>> (24 - 8 * (k & 3))));
        }
    }

    /**
     * Copies {@code length} bytes from {@code src} at absolute index {@code from} to {@code dst} at
     * {@code to}, masking them on the way: one pass where a copy and {@link #mask} would be two.
     * The bytes start {@code offset} bytes into their frame's payload.
     */
    static void maskCopy(ByteBuffer src, int from, ByteBuffer dst, int to, int length, int maskKey, long offset) {
        int key = Integer.rotateLeft(maskKey, 8 * (int) (offset & 3));
        long wide = (key & 0xFFFF_FFFFL) << 32 | (key & 0xFFFF_FFFFL);
        if (dst.order() == ByteOrder.LITTLE_ENDIAN) {
            wide = Long.reverseBytes(wide);
        }
        boolean swap = src.order() != dst.order();
        int i = 0;
        for (; i + 8 <= length; i += 8) {
            long v = src.getLong(from + i);
            dst.putLong(to + i, (swap ? Long.reverseBytes(v) : v) ^ wide);
        }
        for (; i < length; i++) {
            dst.put(to + i, (byte) (src.get(from + i) ^ key >>> (24 - 8 * (i & 3))));
        }
    }

    static boolean isControl(int opcode) {
        return opcode >= CLOSE;
    }

    static boolean isKnown(int opcode) {
        return opcode <= BINARY || (opcode >= CLOSE && opcode <= PONG);
    }

    /** Whether a peer may send {@code code} in a close frame (section 7.4; 1004-1006 and 1015 never travel). */
    static boolean isSendable(int code) {
        return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
    }

    /** Whether a close with {@code code} ends the stream cleanly, reading as end of stream. */
    static boolean isClean(int code) {
        return code == NORMAL || code == GOING_AWAY || code == NO_STATUS;
    }

    /** The name RFC 6455 gives {@code code}, for messages. */
    static String meaning(int code) {
        return switch (code) {
            case 1000 -> "normal closure";
            case 1001 -> "going away";
            case 1002 -> "protocol error";
            case 1003 -> "unacceptable data";
            case 1005 -> "no status";
            case 1006 -> "abnormal closure";
            case 1007 -> "invalid payload data";
            case 1008 -> "policy violation";
            case 1009 -> "message too big";
            case 1010 -> "mandatory extension";
            case 1011 -> "internal error";
            default -> code >= 4000 ? "application-defined" : code >= 3000 ? "registered" : "unknown";
        };
    }
}

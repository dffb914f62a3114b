package dev.qio.provider.ws;

import dev.qio.channel.spi.Iov;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;

/**
 * The receiving half of the frame codec: takes frames apart as they arrive in {@code netIn} and
 * hands the payload of data frames to the caller's iov, unmasked, with frame and message
 * boundaries erased (QEMU's websock decode). Control frames are acted on as soon as they are
 * whole; everything the protocol forbids is refused with the close code section 7.4.1 names.
 *
 * <p>Used by one reader at a time (the channel's read lock, or the handshake before it); not
 * thread-safe.
 */
final class FrameReader {
    /** What the reader needs from its channel. */
    interface Peer {
        /** Answers a ping (section 5.5.2); must not block. */
        void pong(ByteBuffer payload);

        /**
         * Fails the connection: sends a close frame with {@code code} and returns the exception
         * every read throws from now on.
         */
        WsCloseException violation(int code, String problem);
    }

    private final Peer peer;
    private final boolean server;
    private final WsOptions options;
    private final Utf8Check utf8 = new Utf8Check();

    /** Payload bytes of the current data frame not yet delivered; 0 between frames. */
    private long payloadLeft;

    private int maskKey;
    private boolean masked;
    /** Payload bytes of the current frame already delivered, for the mask key's phase. */
    private long payloadDone;
    /** Whether the current frame ends its message. */
    private boolean finalFrame;
    /** Whether a fragmented message is under way (a continuation may come next). */
    private boolean inMessage;

    private boolean textMessage;
    private long messageSize;
    /** The peer's close code once its close frame arrived; 0 before. */
    private int closeCode;

    private String closeReason = "";

    FrameReader(Peer peer, boolean server, WsOptions options) {
        this.peer = peer;
        this.server = server;
        this.options = options;
    }

    /** Payload bytes of the current data frame still to come. */
    long payloadLeft() {
        return payloadLeft;
    }

    /** The peer's close code, or 0 if no close frame has arrived. */
    int closeCode() {
        return closeCode;
    }

    String closeReason() {
        return closeReason;
    }

    /**
     * Whether {@code netIn} holds enough for {@link #deliver} to make progress: payload of the
     * current frame, or a whole header (and a whole control frame). May say yes for a header
     * that turns out to carry nothing, which makes at most one spurious wake-up.
     */
    boolean canProgress(ByteBuffer netIn) {
        if (closeCode != 0) {
            return true;
        }
        if (payloadLeft > 0) {
            return netIn.hasRemaining();
        }
        int p = netIn.position();
        if (netIn.remaining() < 2) {
            return false;
        }
        long need = headerLength(netIn.get(p + 1));
        if (Frames.isControl(netIn.get(p) & 0x0F)) {
            need += netIn.get(p + 1) & 0x7F;
        }
        return netIn.remaining() >= need;
    }

    /**
     * For readiness, which must report IN only for data: takes from {@code netIn} what
     * {@link #deliver} would take before it reaches payload (control frames, acted on as there,
     * and headers, empty data frames included).
     *
     * @return whether a read would now return at once: payload is buffered, or the peer's close
     *     frame arrived
     * @throws WsCloseException if the peer broke the protocol (a close frame has been queued)
     */
    boolean skipToPayload(ByteBuffer netIn) throws WsCloseException {
        while (closeCode == 0) {
            if (payloadLeft > 0) {
                return netIn.hasRemaining();
            }
            if (!nextFrame(netIn)) {
                break; // more input needed, or the peer closed
            }
        }
        return closeCode != 0;
    }

    /**
     * Moves payload from {@code netIn} into {@code iov} until the iov is full, {@code netIn}
     * runs short of a whole header or control frame, or the peer's close frame arrives.
     *
     * @return the payload bytes delivered
     * @throws WsCloseException if the peer broke the protocol (a close frame has been queued)
     */
    long deliver(ByteBuffer netIn, ByteBuffer[] iov) throws WsCloseException {
        long moved = 0;
        long room = Iov.remaining(iov);
        while (closeCode == 0 && moved < room) {
            if (payloadLeft == 0 && !nextFrame(netIn)) {
                break;
            }
            int n = (int) Math.min(Math.min(payloadLeft, netIn.remaining()), room - moved);
            if (n == 0) {
                if (payloadLeft == 0) {
                    continue; // an empty data frame; its message may have ended
                }
                break;
            }
            int at = netIn.position();
            if (masked) {
                Frames.mask(netIn, at, n, maskKey, payloadDone);
            }
            if (textMessage && !utf8.feed(netIn, at, n)) {
                throw peer.violation(Frames.INVALID_PAYLOAD, "a text message is not valid UTF-8");
            }
            Iov.fill(iov, netIn, n);
            payloadLeft -= n;
            payloadDone += n;
            moved += n;
            if (payloadLeft == 0) {
                endOfFrame();
            }
        }
        return moved;
    }

    /**
     * Accounts for {@code n} payload bytes of the current frame that the channel read straight
     * into {@code buf} at absolute index {@code at}, skipping {@code netIn}: unmasks and checks
     * them in place there.
     */
    void deliveredInPlace(ByteBuffer buf, int at, int n) throws WsCloseException {
        if (masked) {
            Frames.mask(buf, at, n, maskKey, payloadDone);
        }
        if (textMessage && !utf8.feed(buf, at, n)) {
            throw peer.violation(Frames.INVALID_PAYLOAD, "a text message is not valid UTF-8");
        }
        payloadLeft -= n;
        payloadDone += n;
        if (payloadLeft == 0) {
            endOfFrame();
        }
    }

    /** Header length from the second byte: base, extended length, mask key. */
    private static int headerLength(byte second) {
        int len7 = second & 0x7F;
        return 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + ((second & 0x80) != 0 ? 4 : 0);
    }

    /**
     * Takes the next frame's header from {@code netIn}, acting on a control frame whole.
     *
     * @return whether a data frame started (its payload may still be on the way); false when
     *     more input is needed or the peer closed
     */
    private boolean nextFrame(ByteBuffer netIn) throws WsCloseException {
        while (netIn.remaining() >= 2) {
            int p = netIn.position();
            int first = netIn.get(p) & 0xFF;
            byte second = netIn.get(p + 1);
            int opcode = first & 0x0F;
            boolean fin = (first & 0x80) != 0;
            checkHeader(first, opcode, fin, (second & 0x80) != 0, second & 0x7F);
            int header = headerLength(second);
            if (netIn.remaining() < header) {
                return false;
            }
            long length = second & 0x7F;
            if (length == 126) {
                length = netIn.getShort(p + 2) & 0xFFFF;
            } else if (length == 127) {
                length = netIn.getLong(p + 2);
                if (length < 0) {
                    throw peer.violation(Frames.PROTOCOL_ERROR, "a frame length has its most significant bit set");
                }
            }
            int key = (second & 0x80) != 0 ? netIn.getInt(p + header - 4) : 0;
            if (Frames.isControl(opcode)) {
                if (netIn.remaining() < header + length) {
                    return false;
                }
                netIn.position(p + header);
                control(netIn, opcode, (int) length, (second & 0x80) != 0, key);
                if (closeCode != 0) {
                    return false;
                }
                continue;
            }
            startData(opcode, fin, length);
            netIn.position(p + header);
            masked = (second & 0x80) != 0;
            maskKey = key;
            payloadLeft = length;
            payloadDone = 0;
            return true;
        }
        return false;
    }

    /** Refuses what section 5 forbids in a header, before waiting for the rest of the frame. */
    private void checkHeader(int first, int opcode, boolean fin, boolean maskBit, int len7) throws WsCloseException {
        if ((first & 0x70) != 0) {
            throw peer.violation(
                    Frames.PROTOCOL_ERROR,
                    "a frame has reserved bits set (0x" + Integer.toHexString(first & 0x70)
                            + ") and no extension was agreed");
        }
        if (!Frames.isKnown(opcode)) {
            throw peer.violation(
                    Frames.PROTOCOL_ERROR, "a frame has the unknown opcode 0x" + Integer.toHexString(opcode));
        }
        if (Frames.isControl(opcode) && !fin) {
            throw peer.violation(
                    Frames.PROTOCOL_ERROR,
                    "a control frame (opcode 0x" + Integer.toHexString(opcode) + ") is fragmented");
        }
        if (Frames.isControl(opcode) && len7 > Frames.MAX_CONTROL_PAYLOAD) {
            throw peer.violation(
                    Frames.PROTOCOL_ERROR,
                    "a control frame (opcode 0x" + Integer.toHexString(opcode) + ") carries more than 125 bytes");
        }
        if (server && !maskBit) {
            throw peer.violation(Frames.PROTOCOL_ERROR, "a client frame is not masked");
        }
        if (!server && maskBit) {
            throw peer.violation(Frames.PROTOCOL_ERROR, "a server frame is masked");
        }
    }

    private void startData(int opcode, boolean fin, long length) throws WsCloseException {
        if (opcode == Frames.CONTINUATION && !inMessage) {
            throw peer.violation(Frames.PROTOCOL_ERROR, "a continuation frame arrived outside a fragmented message");
        }
        if (opcode != Frames.CONTINUATION && inMessage) {
            throw peer.violation(Frames.PROTOCOL_ERROR, "a new message began before the fragmented one ended");
        }
        if (length > options.maxFrame()) {
            throw peer.violation(
                    Frames.TOO_BIG, "a frame of " + length + " bytes exceeds max-frame " + options.maxFrame());
        }
        if (opcode != Frames.CONTINUATION) {
            if (opcode == Frames.TEXT && !options.acceptText()) {
                throw peer.violation(
                        Frames.UNACCEPTABLE_DATA, "a text frame arrived and text=refuse (this is a binary stream)");
            }
            textMessage = opcode == Frames.TEXT;
            messageSize = 0;
            utf8.reset();
        }
        messageSize += length;
        if (messageSize > options.maxMessage()) {
            throw peer.violation(
                    Frames.TOO_BIG, "a message of more than " + options.maxMessage() + " bytes exceeds max-message");
        }
        inMessage = !fin;
        finalFrame = fin;
        if (length == 0) {
            endOfFrame();
        }
    }

    private void endOfFrame() throws WsCloseException {
        if (finalFrame && textMessage && !utf8.isComplete()) {
            throw peer.violation(Frames.INVALID_PAYLOAD, "a text message ends inside a UTF-8 sequence");
        }
    }

    /** Acts on a whole control frame whose payload starts at {@code netIn}'s position. */
    private void control(ByteBuffer netIn, int opcode, int length, boolean isMasked, int key) throws WsCloseException {
        int at = netIn.position();
        if (isMasked) {
            Frames.mask(netIn, at, length, key, 0);
        }
        ByteBuffer payload = netIn.slice(at, length);
        netIn.position(at + length);
        switch (opcode) {
            case Frames.PING -> peer.pong(payload);
            case Frames.PONG -> {} // unsolicited or late: section 5.5.3 says ignore it
            default -> closeFrame(payload);
        }
    }

    private void closeFrame(ByteBuffer payload) throws WsCloseException {
        if (payload.remaining() == 1) {
            throw peer.violation(Frames.PROTOCOL_ERROR, "a close frame carries 1 byte, too short for a code");
        }
        boolean hasCode = payload.remaining() >= 2;
        int code = hasCode ? payload.getShort() & 0xFFFF : Frames.NO_STATUS;
        if (hasCode && !Frames.isSendable(code)) {
            throw peer.violation(
                    Frames.PROTOCOL_ERROR, "a close frame carries the code " + code + ", which may not be sent");
        }
        try {
            closeReason = StandardCharsets.UTF_8.newDecoder().decode(payload).toString();
        } catch (CharacterCodingException e) {
            throw peer.violation(Frames.INVALID_PAYLOAD, "a close frame's reason is not valid UTF-8");
        }
        closeCode = code;
    }
}

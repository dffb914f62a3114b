package dev.qio.provider.ws;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoCondition;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The upgrade as a sequence of non-blocking steps over the channel's input buffer and its
 * {@link Outbound}, so the same code serves a blocking handshake, QEMU's asynchronous handshake
 * task, and a first read or write that runs the handshake itself.
 *
 * <p>Used under the channel's handshake lock only.
 */
final class Handshake {
    /** Reads more of the inner channel into the input buffer, without waiting. */
    interface Input {
        /** The input buffer, in read mode. */
        ByteBuffer buffer();

        /** Reads what the inner channel has; returns as its read: n, EOF or ERR_BLOCK. */
        long fill() throws IOException;
    }

    private final boolean server;
    private final WsOptions options;
    private final Outbound out;
    private final Input in;
    private final String name;
    /** The client's request and key; {@code null} on a server. */
    private final String request;

    private final String key;
    private boolean requestQueued;
    /** Whether the server queued its 101. */
    private boolean answered;

    private String subprotocol;

    private Handshake(boolean server, WsOptions options, Outbound out, Input in, String name, String host) {
        this.server = server;
        this.options = options;
        this.out = out;
        this.in = in;
        this.name = name;
        this.key = server ? null : Upgrade.newKey();
        this.request = server
                ? null
                : Upgrade.request(
                        options.path() == null ? "/" : options.path(),
                        host,
                        options.origins().isEmpty() ? null : options.origins().getFirst(),
                        key);
    }

    static Handshake server(WsOptions options, Outbound out, Input in, String name) {
        return new Handshake(true, options, out, in, name, null);
    }

    /** @param host the {@code Host} header: the inner URI's {@code host:port}, or {@code localhost} */
    static Handshake client(WsOptions options, Outbound out, Input in, String name, String host) {
        return new Handshake(false, options, out, in, name, host);
    }

    /** The agreed subprotocol, once {@link #step} returned {@code null}. */
    String subprotocol() {
        return subprotocol;
    }

    /**
     * Moves the upgrade on as far as the inner channel allows.
     *
     * @return {@code null} when it is done, else the inner condition to wait for
     * @throws WsHandshakeException if it fails; a server has queued its refusal first
     */
    IoCondition step() throws IOException {
        if (!server && !requestQueued) {
            requestQueued = true;
            out.sendRaw(request);
        }
        if ((answered || !server) && !out.flushNow()) {
            return IoCondition.OUT;
        }
        if (answered) {
            return null;
        }
        ByteBuffer buf = in.buffer();
        int end;
        while ((end = headEnd(buf)) < 0 || end - buf.position() > Upgrade.MAX_HEAD) {
            if (buf.remaining() >= Upgrade.MAX_HEAD) {
                throw tooLong();
            }
            long n = in.fill();
            buf = in.buffer();
            if (n == IoChannel.ERR_BLOCK) {
                return IoCondition.IN;
            }
            if (n == IoChannel.EOF) {
                throw new WsHandshakeException(
                        name + ": the " + (server ? "client" : "server") + " hung up before its HTTP "
                                + (server ? "request" : "answer") + " ended",
                        0);
            }
        }
        byte[] head = new byte[end - buf.position()];
        buf.get(head).position(end + 4); // bytes after the blank line are frames; they stay in the buffer
        String text = new String(head, StandardCharsets.ISO_8859_1);
        if (!server) {
            subprotocol = Upgrade.checkResponse(text, key, name);
            return null;
        }
        Upgrade.Answer answer = Upgrade.answer(text, options.path(), options.origins());
        subprotocol = answer.subprotocol();
        answered = true;
        boolean sent = out.sendRaw(answer.response());
        if (answer.refusal() != null) {
            throw refused(answer.refusal());
        }
        return sent ? null : IoCondition.OUT;
    }

    private WsHandshakeException tooLong() throws IOException {
        if (!server) {
            return new WsHandshakeException(
                    name + ": the server's HTTP answer is longer than " + Upgrade.MAX_HEAD + " bytes", 0);
        }
        Upgrade.Refusal r = new Upgrade.Refusal(
                431,
                "Request Header Fields Too Large",
                "the request head is longer than " + Upgrade.MAX_HEAD + " bytes");
        answered = true;
        out.sendRaw(Upgrade.refusalResponse(r));
        return refused(r);
    }

    private WsHandshakeException refused(Upgrade.Refusal r) {
        return new WsHandshakeException(
                name + ": WebSocket upgrade refused with " + r.status() + " " + r.phrase() + ": " + r.problem(),
                r.status());
    }

    /** The index of the blank line ending an HTTP head in {@code buf}, or -1. */
    private static int headEnd(ByteBuffer buf) {
        for (int i = buf.position(); i + 3 < buf.limit(); i++) {
            if (buf.get(i) == '\r' && buf.get(i + 1) == '\n' && buf.get(i + 2) == '\r' && buf.get(i + 3) == '\n') {
                return i;
            }
        }
        return -1;
    }
}

package dev.qio.provider.socket;

import dev.qio.channel.spi.UriOptions;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.NetworkChannel;
import java.time.Duration;

/**
 * The socket options a URI may carry: {@code nodelay}, {@code keepalive}, {@code linger} (tcp only),
 * {@code sndbuf}, {@code rcvbuf} (bytes), {@code connect-timeout} (ms, tcp and connecting only) and
 * {@code backlog} (listening only). An option a scheme or direction does not take is unknown there,
 * so {@link UriOptions#finish()} names it.
 */
record SocketOptions(
        Boolean nodelay,
        Boolean keepalive,
        boolean resetOnClose,
        Integer sndbuf,
        Integer rcvbuf,
        Duration connectTimeout,
        int backlog) {

    static SocketOptions forOpen(UriOptions o, boolean tcp) {
        // tcp only: java.nio has a timed connect for inet sockets only (the socket adaptor), and an
        // option that would do nothing must be refused, not ignored.
        SocketOptions s = common(o, tcp, tcp ? o.millis("connect-timeout", null) : null, 0);
        o.finish();
        return s;
    }

    static SocketOptions forListen(UriOptions o, boolean tcp) {
        SocketOptions s = common(o, tcp, null, (int) o.integer("backlog", 50, 1, 65_535));
        o.finish();
        return s;
    }

    private static SocketOptions common(UriOptions o, boolean tcp, Duration timeout, int backlog) {
        Boolean nodelay = tcp && o.string("nodelay").isPresent() ? o.bool("nodelay", false) : null;
        Boolean keepalive = tcp && o.string("keepalive").isPresent() ? o.bool("keepalive", false) : null;
        // linger=0 only: a positive SO_LINGER makes close block in the kernel, which no thread may do here.
        boolean resetOnClose = tcp && o.string("linger").isPresent() && o.integer("linger", 0, 0, 0) == 0;
        Integer sndbuf = o.string("sndbuf").isPresent() ? (int) o.bytes("sndbuf", 0, 1, 1 << 30) : null;
        Integer rcvbuf = o.string("rcvbuf").isPresent() ? (int) o.bytes("rcvbuf", 0, 1, 1 << 30) : null;
        return new SocketOptions(nodelay, keepalive, resetOnClose, sndbuf, rcvbuf, timeout, backlog);
    }

    /** Options for a socket about to connect. */
    void applyConnecting(NetworkChannel ch, boolean tcp) throws IOException {
        applyBuffers(ch);
        applyTcp(ch, tcp);
    }

    /** Options for a listening socket: the receive buffer, which accepted sockets inherit. */
    void applyListening(NetworkChannel ch) throws IOException {
        if (rcvbuf != null) {
            ch.setOption(StandardSocketOptions.SO_RCVBUF, rcvbuf);
        }
    }

    /** Options for an accepted socket. */
    void applyAccepted(NetworkChannel ch, boolean tcp) throws IOException {
        applyBuffers(ch);
        applyTcp(ch, tcp);
    }

    /** Options for a native socket about to connect, or just accepted. */
    void applyConnecting(dev.qio.channel.spi.linux.NativeSocket s, boolean tcp, String name) throws IOException {
        if (sndbuf != null) {
            s.setSendBuffer(sndbuf, name);
        }
        if (rcvbuf != null) {
            s.setReceiveBuffer(rcvbuf, name);
        }
        if (tcp && nodelay != null) {
            s.setNoDelay(nodelay, name);
        }
        if (tcp && keepalive != null) {
            s.setKeepAlive(keepalive, name);
        }
        if (tcp && resetOnClose) {
            s.setResetOnClose(name);
        }
    }

    private void applyBuffers(NetworkChannel ch) throws IOException {
        if (sndbuf != null) {
            ch.setOption(StandardSocketOptions.SO_SNDBUF, sndbuf);
        }
        if (rcvbuf != null) {
            ch.setOption(StandardSocketOptions.SO_RCVBUF, rcvbuf);
        }
    }

    private void applyTcp(NetworkChannel ch, boolean tcp) throws IOException {
        if (!tcp) {
            return;
        }
        if (nodelay != null) {
            ch.setOption(StandardSocketOptions.TCP_NODELAY, nodelay);
        }
        if (keepalive != null) {
            ch.setOption(StandardSocketOptions.SO_KEEPALIVE, keepalive);
        }
        if (resetOnClose) {
            ch.setOption(StandardSocketOptions.SO_LINGER, 0);
        }
    }
}

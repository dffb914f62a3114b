package dev.qio.channel.spi;

import static dev.qio.channel.IoChannel.EOF;
import static dev.qio.channel.IoChannel.ERR_BLOCK;

import dev.qio.channel.EventLoop;
import dev.qio.channel.IoChannel;
import dev.qio.channel.IoCondition;
import dev.qio.channel.Shutdown;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The close of a layer's inner channel once the layer's last bytes went out (a TLS session's
 * close_notify, a WebSocket close frame): a lingering close. A TCP socket closed with unread
 * input sends a reset instead of a FIN, and the reset destroys what is still on its way to the
 * peer, the layer's last records included, so the peer reads a truncation or "connection
 * reset". A layer always risks unread input at close: a TLS 1.3 server sends session tickets
 * after the handshake, which a client that only writes never reads; a peer's own closing
 * message crosses ours; and such input can arrive after any read made at close time.
 *
 * <p>So the write side is shut (the FIN follows the last byte), and the inner channel stays open
 * on the shared loop, reading and dropping what comes, until the peer's end of stream, a
 * failure, {@link #MAX_BYTES} or {@link #MAX_MILLIS}; then it closes. Peers close when they read
 * the layer's closing message or the FIN, so the linger usually lasts one round trip, and the
 * descriptor outlives the layer's {@code close()} by as much. The time limit runs on
 * {@link LayerTimer}.
 */
public final class LingeringClose {
    /** How long the inner channel waits for the peer's end of stream before it closes anyway. */
    public static final long MAX_MILLIS = 5_000;
    /** How much it reads and drops before it closes anyway: a peer that keeps sending gets its reset. */
    public static final long MAX_BYTES = 256 << 10;

    private final IoChannel inner;
    private final ByteBuffer[] scratch = {ByteBuffer.allocate(4 << 10)};
    /** Touched only by the watch, which runs on one loop. */
    private long dropped;

    private volatile ScheduledFuture<?> deadline;

    private LingeringClose(IoChannel inner) {
        this.inner = inner;
    }

    /**
     * Shuts {@code inner}'s write side and drains it in the background until it can close; does
     * not block. Call it once everything the layer had to send went. The inner channel must be
     * non-blocking and support {@link dev.qio.channel.Feature#SHUTDOWN}; from this call on it
     * belongs to the linger, which closes it (at once, if shutting it down fails).
     */
    public static void start(IoChannel inner) {
        LingeringClose linger = new LingeringClose(inner);
        try {
            inner.shutdown(Shutdown.WRITE);
            linger.deadline = LayerTimer.after(MAX_MILLIS, TimeUnit.MILLISECONDS, linger::close);
            inner.addWatch(Set.of(IoCondition.IN), (ch, ready) -> linger.drain(), EventLoop.shared());
        } catch (IOException | RuntimeException e) {
            linger.close(); // already failing: nothing of ours can reach the peer any more
        }
    }

    /** One turn of the watch: reads what is there; whether to go on watching. */
    private boolean drain() {
        try {
            while (dropped < MAX_BYTES) {
                long n = inner.readv(scratch);
                if (n == ERR_BLOCK) {
                    return true; // a spurious block (fault+) is retried when the watch polls again
                }
                if (n == EOF) {
                    break;
                }
                dropped += n;
                scratch[0].clear();
            }
        } catch (IOException | RuntimeException e) {
            // the peer reset or went away: nothing left to wait for
        }
        close();
        return false;
    }

    private void close() {
        ScheduledFuture<?> timer = deadline;
        if (timer != null) {
            timer.cancel(false);
        }
        try {
            inner.close(); // idempotent: the watch and the deadline may both get here
        } catch (IOException ignored) {
            // everything the layer had to send went before the linger began; nobody is left to tell
        }
    }
}

package dev.qio.channel.spi;

import dev.qio.channel.IoChannel;
import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.EventType;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Threshold;
import jdk.jfr.Timespan;

/**
 * One channel's JFR events and the byte counts they report, kept out of {@link AbstractIoChannel}
 * so that the base class only calls in at open, around each transfer, and at close.
 *
 * <p>Events are off until a recording enables them (JFR's own flag). While they are off, the hot
 * path costs one {@link EventType#isEnabled()} read per transfer plus the byte count, and
 * allocates nothing; an event object is made only when its type is enabled. Reads and writes are
 * recorded above a duration threshold, 20 ms by default, as the JDK's {@code jdk.SocketRead} and
 * {@code jdk.SocketWrite} are.
 */
final class ChannelEvents {
    /** The event types, looked up once; a runtime without JFR support leaves every event off. */
    private static final class Types {
        static final EventType OPEN = type(ChannelOpen.class);
        static final EventType CLOSE = type(ChannelClose.class);
        static final EventType READ = type(ChannelRead.class);
        static final EventType WRITE = type(ChannelWrite.class);
        static final EventType FDS = type(DescriptorPass.class);
        static final EventType ACCEPT = type(Accept.class);

        private static EventType type(Class<? extends Event> event) {
            try {
                return EventType.getEventType(event);
            } catch (RuntimeException | Error unsupported) {
                return null;
            }
        }

        static boolean on(EventType type) {
            return type != null && type.isEnabled();
        }
    }

    private final long openedAt = System.nanoTime();
    /** Bytes read; written under the channel's read lock only, read at close. */
    private long bytesRead;
    /** Bytes written; written under the channel's write lock only, read at close. */
    private long bytesWritten;

    private ChannelEvents() {}

    /** Records the channel's creation and starts its counts. */
    static ChannelEvents opened(IoChannel channel) {
        if (Types.on(Types.OPEN)) {
            ChannelOpen event = new ChannelOpen();
            event.channel = channel.name();
            event.provider = channel.getClass().getName();
            event.commit();
        }
        return new ChannelEvents();
    }

    /** Before a read: an event to time it, or {@code null} while reads are not recorded. */
    static Transfer beginRead() {
        return Types.on(Types.READ) ? Transfer.started(new ChannelRead()) : null;
    }

    /** After a read that returned {@code n}. */
    void endRead(Transfer event, IoChannel channel, long n) {
        if (n > 0) {
            bytesRead += n;
        }
        Transfer.finish(event, channel, n);
    }

    /** Before a write: as {@link #beginRead()}. */
    static Transfer beginWrite() {
        return Types.on(Types.WRITE) ? Transfer.started(new ChannelWrite()) : null;
    }

    /** After a write that returned {@code n}. */
    void endWrite(Transfer event, IoChannel channel, long n) {
        if (n > 0) {
            bytesWritten += n;
        }
        Transfer.finish(event, channel, n);
    }

    /** Descriptors that travelled with a read or a write; called only when there were some. */
    static void descriptors(IoChannel channel, int count, boolean sent) {
        if (Types.on(Types.FDS)) {
            DescriptorPass event = new DescriptorPass();
            event.channel = channel.name();
            event.count = count;
            event.sent = sent;
            event.commit();
        }
    }

    /** Before an accept: an event to time it, or {@code null} while accepts are not recorded. */
    static Accept beginAccept() {
        if (!Types.on(Types.ACCEPT)) {
            return null;
        }
        Accept event = new Accept();
        event.begin();
        return event;
    }

    /** After an accept that gave {@code client}; nothing is recorded for {@code null} (none pending). */
    static void endAccept(Accept event, String listener, IoChannel client) {
        if (event != null && client != null) {
            event.end();
            if (event.shouldCommit()) {
                event.listener = listener;
                event.channel = client.name();
                event.commit();
            }
        }
    }

    /** Runs the close hook, timed, and records the channel's life. Called once. */
    void close(IoChannel channel, OpenState.Closer hook) throws java.io.IOException {
        if (!Types.on(Types.CLOSE)) {
            hook.close();
            return;
        }
        ChannelClose event = new ChannelClose();
        event.begin();
        try {
            hook.close();
        } finally {
            event.end();
            if (event.shouldCommit()) {
                event.channel = channel.name();
                event.provider = channel.getClass().getName();
                event.lifetime = System.nanoTime() - openedAt;
                event.bytesRead = bytesRead;
                event.bytesWritten = bytesWritten;
                event.commit();
            }
        }
    }

    @Name("dev.qio.ChannelOpen")
    @Label("Channel Open")
    @Category({"qio", "Channel"})
    @Description("A channel was created (opened by URI, accepted, or wrapped).")
    @StackTrace(false)
    static final class ChannelOpen extends Event {
        @Label("Channel")
        @Description("The channel's name, usually its URI")
        String channel;

        @Label("Provider")
        @Description("The channel's class")
        String provider;
    }

    @Name("dev.qio.ChannelClose")
    @Label("Channel Close")
    @Category({"qio", "Channel"})
    @Description("A channel was closed; the duration is the close itself, lifetime the time it was open.")
    @StackTrace(false)
    static final class ChannelClose extends Event {
        @Label("Channel")
        String channel;

        @Label("Provider")
        String provider;

        @Label("Lifetime")
        @Timespan(Timespan.NANOSECONDS)
        long lifetime;

        @Label("Bytes Read")
        @DataAmount
        long bytesRead;

        @Label("Bytes Written")
        @DataAmount
        long bytesWritten;
    }

    /** What a read and a write event share: the JDK's socket events have the same fields. */
    abstract static class Transfer extends Event {
        @Label("Channel")
        String channel;

        @Label("Bytes")
        @Description("Bytes moved (0 for end of stream or would-block)")
        @DataAmount
        long bytes;

        @Label("End of Stream")
        boolean endOfStream;

        @Label("Would Block")
        @Description("Non-blocking and nothing could move (ERR_BLOCK)")
        boolean wouldBlock;

        static Transfer started(Transfer event) {
            event.begin();
            return event;
        }

        /** Ends {@code event} (may be {@code null}) for a transfer that returned {@code n}. */
        static void finish(Transfer event, IoChannel channel, long n) {
            if (event == null) {
                return;
            }
            event.end();
            if (event.shouldCommit()) {
                event.channel = channel.name();
                event.bytes = Math.max(n, 0);
                event.endOfStream = n == IoChannel.EOF;
                event.wouldBlock = n == IoChannel.ERR_BLOCK;
                event.commit();
            }
        }
    }

    @Name("dev.qio.ChannelRead")
    @Label("Channel Read")
    @Category({"qio", "Channel"})
    @Description("A read that took longer than the threshold, waiting included.")
    @Threshold("20 ms")
    static final class ChannelRead extends Transfer {}

    @Name("dev.qio.ChannelWrite")
    @Label("Channel Write")
    @Category({"qio", "Channel"})
    @Description("A write that took longer than the threshold, waiting included.")
    @Threshold("20 ms")
    static final class ChannelWrite extends Transfer {}

    @Name("dev.qio.DescriptorPass")
    @Label("Descriptor Pass")
    @Category({"qio", "Channel"})
    @Description("File descriptors sent or received with a message (SCM_RIGHTS).")
    static final class DescriptorPass extends Event {
        @Label("Channel")
        String channel;

        @Label("Count")
        int count;

        @Label("Sent")
        @Description("true: sent; false: received")
        boolean sent;
    }

    @Name("dev.qio.Accept")
    @Label("Accept")
    @Category({"qio", "Listener"})
    @Description("A listener accepted a client; the duration includes a blocking accept's wait.")
    static final class Accept extends Event {
        @Label("Listener")
        String listener;

        @Label("Channel")
        String channel;
    }
}

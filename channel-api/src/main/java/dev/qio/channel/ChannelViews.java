package dev.qio.channel;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * The views behind {@link IoChannels#newInputStream}, {@link IoChannels#newOutputStream} and
 * {@link IoChannels#newByteChannel}; their contracts are documented there.
 */
final class ChannelViews {
    private ChannelViews() {}

    /**
     * One read that blocks whatever the channel's mode: a stream has no way to say "would block",
     * so {@code ERR_BLOCK} becomes a wait for {@code IN}.
     */
    static int readBlocking(IoChannel ch, ByteBuffer dst) throws IOException {
        while (true) {
            int n = ch.read(dst);
            if (n != IoChannel.ERR_BLOCK) {
                return n;
            }
            ch.await(IoCondition.IN);
        }
    }

    static final class In extends InputStream {
        private final IoChannel ch;
        /** The one-byte read's buffer, reused; guarded by the channel's read serialisation. */
        private final ByteBuffer one = ByteBuffer.allocate(1);

        In(IoChannel ch) {
            this.ch = Objects.requireNonNull(ch, "channel");
        }

        @Override
        public int read() throws IOException {
            synchronized (one) {
                int n = readBlocking(ch, one.clear());
                return n == IoChannel.EOF ? -1 : one.get(0) & 0xff;
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            int n = readBlocking(ch, ByteBuffer.wrap(b, off, len));
            return n == IoChannel.EOF ? -1 : n;
        }

        @Override
        public void close() throws IOException {
            ch.close();
        }

        @Override
        public String toString() {
            return "InputStream[" + ch.name() + "]";
        }
    }

    static final class Out extends OutputStream {
        private final IoChannel ch;

        Out(IoChannel ch) {
            this.ch = Objects.requireNonNull(ch, "channel");
        }

        @Override
        public void write(int b) throws IOException {
            ch.writeAll(ByteBuffer.wrap(new byte[] {(byte) b}));
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            ch.writeAll(ByteBuffer.wrap(b, off, len));
        }

        @Override
        public void flush() throws IOException {
            ch.flush(); // a no-op unless zero-copy sends are pending; writes are never held here
        }

        @Override
        public void close() throws IOException {
            ch.close();
        }

        @Override
        public String toString() {
            return "OutputStream[" + ch.name() + "]";
        }
    }

    static final class Bytes implements IoByteChannel {
        private final IoChannel ch;

        Bytes(IoChannel ch) {
            this.ch = Objects.requireNonNull(ch, "channel");
        }

        @Override
        public IoChannel channel() {
            return ch;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return (int) nio(ch.read(dst));
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            return nio(ch.readv(slice(dsts, offset, length)));
        }

        @Override
        public long read(ByteBuffer[] dsts) throws IOException {
            return nio(ch.readv(dsts));
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            return (int) nio(ch.write(src));
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            return nio(ch.writev(slice(srcs, offset, length)));
        }

        @Override
        public long write(ByteBuffer[] srcs) throws IOException {
            return nio(ch.writev(srcs));
        }

        @Override
        public boolean isOpen() {
            return ch.isOpen();
        }

        @Override
        public void close() throws IOException {
            ch.close();
        }

        @Override
        public String toString() {
            return "IoByteChannel[" + ch.name() + "]";
        }

        /** java.nio says "nothing now" with 0; qio with ERR_BLOCK. */
        private static long nio(long n) {
            return n == IoChannel.ERR_BLOCK ? 0 : n;
        }

        private static ByteBuffer[] slice(ByteBuffer[] iov, int offset, int length) {
            Objects.checkFromIndexSize(offset, length, iov.length);
            return offset == 0 && length == iov.length ? iov : Arrays.copyOfRange(iov, offset, offset + length);
        }
    }
}

package dev.qio.testkit;

import dev.qio.channel.EventLoop;
import dev.qio.channel.Feature;
import dev.qio.channel.IoChannel;
import dev.qio.channel.IoCondition;
import dev.qio.channel.NativeFd;
import dev.qio.channel.ReadFlag;
import dev.qio.channel.Shutdown;
import dev.qio.channel.Watch;
import dev.qio.channel.WatchCallback;
import dev.qio.channel.Whence;
import dev.qio.channel.WriteFlag;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;

/**
 * Test only: an {@link IoChannel} written by hand, as a third party might, that passes every call
 * to {@code inner}; {@link Planted} overrides one method to plant a bug. Every read and write
 * variant, the {@code *All} loops included, goes through {@link #readv(ByteBuffer[], List, Set)}
 * or {@link #writev(ByteBuffer[], List, Set)}, so a bug planted there shows in all of them, and the
 * empty-iov shortcut that {@code AbstractIoChannel} makes for its providers is not taken for
 * granted.
 */
class ForwardingChannel implements IoChannel {
    final IoChannel inner;

    ForwardingChannel(IoChannel inner) {
        this.inner = inner;
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public void setName(String name) {
        inner.setName(name);
    }

    @Override
    public Set<Feature> features() {
        return inner.features();
    }

    @Override
    public boolean hasFeature(Feature feature) {
        return inner.hasFeature(feature);
    }

    @Override
    public long readv(ByteBuffer[] iov, List<NativeFd> fdsOut, Set<ReadFlag> flags) throws IOException {
        return inner.readv(iov, fdsOut, flags);
    }

    @Override
    public long readv(ByteBuffer... iov) throws IOException {
        return readv(iov, null, Set.of());
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return (int) readv(new ByteBuffer[] {dst}, null, Set.of());
    }

    /** QEMU's loop, over this channel's own readv. */
    @Override
    public boolean readvAllEof(ByteBuffer[] iov, List<NativeFd> fdsOut, Set<ReadFlag> flags) throws IOException {
        boolean partial = false;
        while (CheckedIo.remaining(iov) > 0) {
            long n = readv(iov, fdsOut, flags);
            if (n == ERR_BLOCK) {
                await(IoCondition.IN);
            } else if (n == EOF) {
                if (!partial) {
                    return false;
                }
                throw new EOFException(name() + ": Unexpected end-of-file before all data were read");
            } else {
                partial = true;
            }
        }
        return true;
    }

    @Override
    public boolean readvAllEof(ByteBuffer... iov) throws IOException {
        return readvAllEof(iov, null, Set.of());
    }

    @Override
    public boolean readAllEof(ByteBuffer dst) throws IOException {
        return readvAllEof(new ByteBuffer[] {dst}, null, Set.of());
    }

    @Override
    public void readvAll(ByteBuffer[] iov, List<NativeFd> fdsOut, Set<ReadFlag> flags) throws IOException {
        if (!readvAllEof(iov, fdsOut, flags)) {
            throw new EOFException(name() + ": Unexpected end-of-file before all data were read");
        }
    }

    @Override
    public void readvAll(ByteBuffer... iov) throws IOException {
        readvAll(iov, null, Set.of());
    }

    @Override
    public void readAll(ByteBuffer dst) throws IOException {
        readvAll(new ByteBuffer[] {dst}, null, Set.of());
    }

    @Override
    public long writev(ByteBuffer[] iov, List<NativeFd> fds, Set<WriteFlag> flags) throws IOException {
        return inner.writev(iov, fds, flags);
    }

    @Override
    public long writev(ByteBuffer... iov) throws IOException {
        return writev(iov, null, Set.of());
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        return (int) writev(new ByteBuffer[] {src}, null, Set.of());
    }

    /** QEMU's loop, over this channel's own writev. */
    @Override
    public void writevAll(ByteBuffer[] iov, List<NativeFd> fds, Set<WriteFlag> flags) throws IOException {
        while (CheckedIo.remaining(iov) > 0) {
            if (writev(iov, fds, flags) == ERR_BLOCK) {
                await(IoCondition.OUT);
            }
        }
    }

    @Override
    public void writevAll(ByteBuffer... iov) throws IOException {
        writevAll(iov, null, Set.of());
    }

    @Override
    public void writeAll(ByteBuffer src) throws IOException {
        writevAll(new ByteBuffer[] {src}, null, Set.of());
    }

    @Override
    public long preadv(ByteBuffer[] iov, long offset) throws IOException {
        return inner.preadv(iov, offset);
    }

    @Override
    public long pwritev(ByteBuffer[] iov, long offset) throws IOException {
        return inner.pwritev(iov, offset);
    }

    @Override
    public long seek(long offset, Whence whence) throws IOException {
        return inner.seek(offset, whence);
    }

    @Override
    public void setBlocking(boolean blocking) throws IOException {
        inner.setBlocking(blocking);
    }

    @Override
    public boolean isBlocking() {
        return inner.isBlocking();
    }

    @Override
    public void setDelay(boolean enabled) {
        inner.setDelay(enabled);
    }

    @Override
    public void setCork(boolean enabled) {
        inner.setCork(enabled);
    }

    @Override
    public void shutdown(Shutdown how) throws IOException {
        inner.shutdown(how);
    }

    @Override
    public int flush() throws IOException {
        return inner.flush();
    }

    @Override
    public long peerPid() throws IOException {
        return inner.peerPid();
    }

    @Override
    public Watch addWatch(Set<IoCondition> conditions, WatchCallback callback) {
        return addWatch(conditions, callback, EventLoop.shared());
    }

    @Override
    public Watch addWatch(Set<IoCondition> conditions, WatchCallback callback, EventLoop loop) {
        return inner.addWatch(conditions, (ch, ready) -> callback.onReady(this, ready), loop);
    }

    @Override
    public void await(IoCondition condition) throws IOException {
        inner.await(condition);
    }

    @Override
    public boolean isOpen() {
        return inner.isOpen();
    }

    @Override
    public void close() throws IOException {
        inner.close();
    }
}

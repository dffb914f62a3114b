package dev.qio.cli.io;

import dev.qio.channel.Feature;
import dev.qio.channel.IoChannel;
import dev.qio.channel.IoCondition;
import dev.qio.channel.Shutdown;
import dev.qio.channel.Whence;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.OptionalLong;

/** An {@link Endpoint} over an {@link IoChannel} in blocking mode. */
final class ChannelEndpoint implements Endpoint {
    private final String name;
    private final IoChannel channel;
    /** Set before this side closes the channel, so that a read it wakes reports end of stream. */
    private volatile boolean closedHere;

    ChannelEndpoint(String name, IoChannel channel) {
        this.name = name;
        this.channel = channel;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        while (true) {
            int n;
            try {
                n = channel.read(dst);
            } catch (IOException e) {
                if (closedHere) {
                    return -1;
                }
                throw Failures.naming(name, e);
            }
            if (n != IoChannel.ERR_BLOCK) {
                return n;
            }
            // Blocking channels never return ERR_BLOCK; a channel that does anyway is waited on.
            channel.await(IoCondition.IN);
        }
    }

    @Override
    public void writeAll(ByteBuffer src) throws IOException {
        try {
            channel.writeAll(src);
        } catch (IOException e) {
            throw Failures.naming(name, e);
        }
    }

    @Override
    public void endOutput() throws IOException {
        if (closedHere) {
            return;
        }
        try {
            if (channel.hasFeature(Feature.SHUTDOWN)) {
                channel.shutdown(Shutdown.WRITE);
            } else {
                close();
            }
        } catch (IOException e) {
            if (!closedHere) {
                throw Failures.naming(name, e);
            }
        }
    }

    @Override
    public OptionalLong remaining() {
        if (!channel.hasFeature(Feature.SEEKABLE)) {
            return OptionalLong.empty();
        }
        try {
            long position = channel.seek(0, Whence.CUR);
            long end = channel.seek(0, Whence.END);
            channel.seek(position, Whence.SET);
            return OptionalLong.of(Math.max(0, end - position));
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    @Override
    public void close() throws IOException {
        closedHere = true;
        try {
            channel.close();
        } catch (IOException e) {
            throw Failures.naming(name, e);
        }
    }

    @Override
    public String toString() {
        return name;
    }
}

package dev.qio.channel;

import java.nio.channels.ByteChannel;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.ScatteringByteChannel;

/**
 * An {@link IoChannel} seen as a {@code java.nio} byte channel, for code that takes a
 * {@link java.nio.channels.ReadableByteChannel}, {@link java.nio.channels.WritableByteChannel},
 * {@link ByteChannel}, {@link ScatteringByteChannel} or {@link GatheringByteChannel}. Made by
 * {@link IoChannels#newByteChannel(IoChannel)}; its contract is given there.
 */
public interface IoByteChannel extends ByteChannel, ScatteringByteChannel, GatheringByteChannel {
    /** The channel this view reads from and writes to. */
    IoChannel channel();
}

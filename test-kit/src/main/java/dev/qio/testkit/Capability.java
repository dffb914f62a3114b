package dev.qio.testkit;

/**
 * What a {@link ChannelFixture}'s pair can be made to do. The kit runs a property only where the
 * fixture declares what it needs, and skips it otherwise with a message naming the capability.
 * Features ({@link dev.qio.channel.Feature}) are not declared here: the kit reads them from the
 * channels themselves.
 */
public enum Capability {
    /** Bytes written to the writer end come out of the reader end, in order. */
    ROUND_TRIP,
    /**
     * The reader and the writer run at the same time on two threads, as over a pipe or a socket.
     * Without it the kit writes everything, calls {@link ChannelPair#finishWriting()}, then reads
     * (files, buffers).
     */
    CONCURRENT,
    /** The reader end can have nothing to read without being at end of stream (a non-blocking read gives ERR_BLOCK). */
    STARVE,
    /**
     * The writer end fills up when nobody reads (a non-blocking write gives ERR_BLOCK), and stays
     * full until the kit reads. A fixture whose transport drains on its own (a relay process, a
     * pump thread) must hold the drain until the first {@link ChannelPair#reader()} call.
     */
    FILL,
    /** The reader end is at end of stream from the start ({@code null:}). */
    EMPTY_SOURCE,
    /**
     * The reader end produces exactly {@link ChannelFixture#knownSource()} and then end of stream,
     * with nothing written (a read-only child such as {@code seq}, a file with known content).
     */
    KNOWN_SOURCE,
    /** The writer end accepts every byte at once and keeps none ({@code null:}). */
    DISCARDING_SINK,
    /**
     * The channels work in blocking mode only (a FIFO opened through {@code java.nio}): the kit
     * skips its non-blocking variants and the properties that need non-blocking mode.
     */
    BLOCKING_ONLY,
    /**
     * The writer holds written bytes until {@link dev.qio.channel.IoChannel#flush()} (a write
     * buffer): the kit flushes wherever it waits for the reader to see what it wrote, and relies on
     * close and {@code shutdown(WRITE)} to push the rest.
     */
    HOLDS_WRITES
}

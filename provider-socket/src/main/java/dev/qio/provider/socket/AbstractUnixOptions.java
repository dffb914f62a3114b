package dev.qio.provider.socket;

import dev.qio.channel.spi.UriOptions;
import dev.qio.channel.spi.linux.AbstractUnixAddress;
import dev.qio.channel.spi.linux.Linux;
import java.net.SocketAddress;

/**
 * QEMU's {@code abstract} and {@code tight} options of a {@code unix:} URI
 * ({@code UnixSocketAddress} in QEMU's QAPI schema, Linux only).
 *
 * <p>{@code unix:///NAME?abstract=true} names the abstract address {@code NAME}: the URI's path
 * without its first slash, so {@code unix:///qemu-mon?abstract=true} is what {@code ss} shows as
 * {@code @qemu-mon}. {@code tight} (default {@code true}) says whether the address is as long as
 * the name or padded to the full {@code sun_path}; see {@link AbstractUnixAddress}. {@code tight}
 * without {@code abstract=true} would do nothing, so it is refused, as every option that does
 * nothing is.
 */
final class AbstractUnixOptions {
    private AbstractUnixOptions() {}

    /**
     * Reads both options of a unix URI.
     *
     * @return the abstract address, or null for a path (no {@code abstract}, or {@code abstract=false})
     * @throws IllegalArgumentException naming the option: a bad boolean, {@code tight} without
     *     {@code abstract=true}, an empty or too long name
     */
    static SocketAddress read(UriOptions o, Endpoint at) {
        boolean abstractName = o.bool("abstract", false);
        boolean tightGiven = o.string("tight").isPresent();
        boolean tight = o.bool("tight", true);
        if (!abstractName) {
            if (tightGiven) {
                throw o.bad("tight", "applies only to abstract addresses; add abstract=true");
            }
            return null;
        }
        String name = at.path().toString().substring(1);
        try {
            return AbstractUnixAddress.of(name, tight);
        } catch (IllegalArgumentException e) {
            throw o.bad("abstract", "cannot name '" + name + "': " + e.getMessage());
        }
    }

    /** The error of the {@code java.nio} backend, which cannot name an abstract address. */
    static UnsupportedOperationException refusedOnNio(String name) {
        return new UnsupportedOperationException(name + ": option abstract=true needs the Linux-native socket backend, "
                + "which is off here (" + Linux.unavailableReason().orElse("not chosen")
                + "); the java.nio backend cannot "
                + "bind or connect to an abstract unix address: UnixDomainSocketAddress is a file path, and a path cannot "
                + "hold the NUL byte that starts an abstract name");
    }
}

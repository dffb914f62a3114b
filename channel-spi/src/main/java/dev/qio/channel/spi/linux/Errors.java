package dev.qio.channel.spi.linux;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;

/** errno to the exceptions and messages the {@code java.nio} providers raise for the same failures. */
final class Errors {
    private Errors() {}

    static IOException connect(String name, int errno) {
        return switch (errno) {
            case Sys.ECONNREFUSED -> new ConnectException(name + ": connection refused");
            case Sys.ENOENT -> new ConnectException(name + ": connection refused (no socket file)");
            case Sys.ETIMEDOUT -> new ConnectException(name + ": connection timed out");
            case Sys.EHOSTUNREACH, Sys.ENETUNREACH -> new NoRouteToHostException(name + ": " + Sys.strerror(errno));
            default -> new IOException(name + ": cannot connect: " + Sys.strerror(errno));
        };
    }

    static IOException bind(String name, int errno) {
        return switch (errno) {
            case Sys.EADDRINUSE -> new BindException(name + ": address in use (" + Sys.strerror(errno) + ")");
            case Sys.EADDRNOTAVAIL, Sys.EACCES -> new BindException(name + ": cannot bind: " + Sys.strerror(errno));
            default -> new IOException(name + ": cannot listen: " + Sys.strerror(errno));
        };
    }
}

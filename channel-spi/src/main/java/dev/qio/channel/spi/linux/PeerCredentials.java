package dev.qio.channel.spi.linux;

/**
 * A unix socket peer's credentials as the kernel recorded them when it connected
 * ({@code SO_PEERCRED}): its process id, user id and group id. They describe the process at
 * connect time; the process may have exited or changed its ids since.
 *
 * @param pid the peer's process id
 * @param uid the peer's effective user id
 * @param gid the peer's effective group id
 */
public record PeerCredentials(long pid, int uid, int gid) {}

package dev.qio.channel;

/**
 * Who is at the other end of a local connection, as the kernel recorded it when the connection
 * was made ({@code SO_PEERCRED} on a Linux unix socket): the peer's process id, effective user id
 * and effective group id. They describe the peer at connect time (for the connecting side: when
 * the peer called {@code listen}); the process may have exited or changed its ids since, and a
 * pid may have been reused. Ids are unsigned in the kernel, so they are {@code long}s here.
 *
 * @param pid the peer's process id
 * @param uid the peer's effective user id
 * @param gid the peer's effective group id
 * @see IoChannel#peerCredentials()
 */
public record PeerCredentials(long pid, long uid, long gid) {}

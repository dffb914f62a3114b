package dev.qio.provider.socket;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;

/**
 * The socket file a unix listener created, remembered by identity right after bind, so that
 * closing the listener removes that file and never another one that took its path since.
 */
record SocketFile(Path path, Object key) {
    /** Remembers {@code path} as it is now; null for a TCP listener (null path). */
    static SocketFile created(Path path) throws IOException {
        return path == null
                ? null
                : new SocketFile(
                        path,
                        Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                                .fileKey());
    }

    /** Removes the file if it is still the one created. */
    void removeIfOurs() throws IOException {
        if (Objects.equals(key, currentKey())) {
            Files.deleteIfExists(path);
        }
    }

    private Object currentKey() {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                    .fileKey();
        } catch (IOException gone) {
            return null;
        }
    }
}

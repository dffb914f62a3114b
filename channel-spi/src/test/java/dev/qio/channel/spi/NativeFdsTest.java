package dev.qio.channel.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qio.channel.NativeFd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link NativeFds} against the real OS: open, dup, close. Linux ({@code /proc/self/fd}) only. */
class NativeFdsTest {
    @TempDir
    Path dir;

    private Path file;

    @BeforeEach
    void setUp() throws IOException {
        Assumptions.assumeTrue(NativeFds.isSupported(), "POSIX descriptors are not supported here");
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "needs /proc/self/fd");
        file = Files.writeString(dir.resolve("data.txt"), "hello");
    }

    /** What descriptor {@code fd} of this process refers to. */
    private static Path target(int fd) throws IOException {
        return Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd));
    }

    @Test
    void openGivesAnOpenDescriptorOfThatFile() throws IOException {
        try (NativeFd fd = NativeFds.open(file, false)) {
            assertTrue(fd.isOpen());
            assertTrue(NativeFds.isOpenInProcess(fd.value()));
            assertEquals(file.toRealPath(), target(fd.value()));
        }
    }

    @Test
    void openForWritingGivesAnOpenDescriptor() throws IOException {
        try (NativeFd fd = NativeFds.open(file, true)) {
            assertTrue(NativeFds.isOpenInProcess(fd.value()));
            assertEquals(file.toRealPath(), target(fd.value()));
        }
    }

    @Test
    void dupGivesAnotherNumberForTheSameFile() throws IOException {
        try (NativeFd fd = NativeFds.open(file, false);
                NativeFd copy = NativeFds.dup(fd)) {
            assertNotEquals(fd.value(), copy.value());
            assertTrue(NativeFds.isOpenInProcess(copy.value()));
            assertEquals(target(fd.value()), target(copy.value()));
        }
    }

    @Test
    void closingADupLeavesTheOriginalOpen() throws IOException {
        try (NativeFd fd = NativeFds.open(file, false)) {
            NativeFd copy = NativeFds.dup(fd);
            copy.close();

            assertTrue(NativeFds.isOpenInProcess(fd.value()));
        }
    }

    @Test
    void closeClosesTheDescriptorAndIsIdempotent() throws IOException {
        NativeFd fd = NativeFds.open(file, false);
        int number = fd.value();

        fd.close();
        fd.close();

        assertFalse(fd.isOpen());
        assertFalse(NativeFds.isOpenInProcess(number));
    }

    @Test
    void valueAfterCloseThrowsIllegalStateException() throws IOException {
        NativeFd fd = NativeFds.open(file, false);
        fd.close();

        assertThrows(IllegalStateException.class, fd::value);
    }

    @Test
    void openOfAMissingPathNamesThePathAndTheOsError() {
        Path missing = dir.resolve("no-such-file");

        IOException e = assertThrows(IOException.class, () -> NativeFds.open(missing, false));

        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("No such file or directory"), e.getMessage());
    }

    @Test
    void adoptRefusesANegativeNumber() {
        assertThrows(IllegalArgumentException.class, () -> NativeFds.adopt(-1));
    }

    @Test
    void isOpenInProcessIsFalseForANegativeNumber() {
        assertFalse(NativeFds.isOpenInProcess(-1));
    }
}

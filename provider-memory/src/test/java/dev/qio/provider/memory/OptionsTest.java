package dev.qio.provider.memory;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qio.channel.IoChannels;
import dev.qio.channel.IoListener;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Every scheme rejects unknown options and bad values, naming the option. */
class OptionsTest {

    private static void rejects(String option, Executable open) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, open);
        assertTrue(
                e.getMessage().contains("'" + option + "'"), "message should name '" + option + "': " + e.getMessage());
    }

    @Test
    void unknownOptionIsNamed() throws IOException {
        String name = TestSupport.uniqueName("opts");
        rejects("bogus", () -> IoChannels.open("mem://" + name + "?bogus=1"));
        rejects("bogus", () -> IoChannels.listen("mem://" + name + "?bogus=1"));
        rejects("bogus", () -> IoChannels.open("buffer:?capacity=16&bogus"));
        rejects("x", () -> IoChannels.open("null:?x=1"));
        // An option error wins over the missing listener: the caller's mistake is reported first.
        try (IoListener _ = IoChannels.listen("mem://" + name)) {
            rejects("bogus", () -> IoChannels.open("mem://" + name + "?bogus=1"));
        }
    }

    @Test
    void badCapacityIsNamed() {
        String name = TestSupport.uniqueName("cap");
        rejects("capacity", () -> IoChannels.open("buffer:?capacity=12x"));
        rejects("capacity", () -> IoChannels.open("buffer:?capacity=-1"));
        rejects("capacity", () -> IoChannels.listen("mem://" + name + "?capacity=0"));
        rejects("capacity", () -> IoChannels.listen("mem://" + name + "?capacity=12x"));
        rejects("capacity", () -> IoChannels.listen("mem://" + name + "?capacity=2g"));
        rejects("capacity", () -> IoChannels.open("mem://" + name + "?capacity=0"));
    }

    /** The message names the option and quotes the value (or says it is empty). */
    private static void rejects(String option, String says, Executable open) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, open);
        assertTrue(
                e.getMessage().contains("option '" + option + "'")
                        && e.getMessage().contains(says),
                "message should name '" + option + "' and say " + says + ": " + e.getMessage());
    }

    @Test
    void emptyAndNonAsciiCapacitiesAreRefusedAtOpen() {
        String name = TestSupport.uniqueName("cap");
        rejects("capacity", "empty value", () -> IoChannels.open("buffer:?capacity="));
        rejects("capacity", "empty value", () -> IoChannels.open("buffer:?capacity"));
        rejects("capacity", "empty value", () -> IoChannels.listen("mem://" + name + "?capacity="));
        rejects("capacity", "'５'", () -> IoChannels.open("buffer:?capacity=５"));
        rejects("capacity", "'٣k'", () -> IoChannels.open("buffer:?capacity=٣k"));
        rejects("capacity", "'+8'", () -> IoChannels.open("buffer:?capacity=+8"));
        rejects("capacity", "'５'", () -> IoChannels.listen("mem://" + name + "?capacity=５"));
    }

    /**
     * A buffer's capacity is its first allocation: 2 GiB asked for is refused at open, naming the
     * option, the value and the bound, instead of taking the heap before a byte is written.
     */
    @Test
    void aBufferCapacityAboveSixtyFourMebibytesIsRefused() throws IOException {
        rejects(
                "capacity",
                "2147483639 is out of range [0, 67108864]",
                () -> IoChannels.open("buffer:?capacity=2147483639"));
        rejects("capacity", "68719476736 is out of range [0, 67108864]", () -> IoChannels.open("buffer:?capacity=64g"));
        try (var most = IoChannels.open("buffer:?capacity=64m")) {
            assertTrue(most.isOpen());
        }
    }

    @Test
    void malformedTargetsAreRejected() {
        for (String uri : new String[] {"mem:foo", "mem://a/b", "mem://a#frag", "buffer:foo", "null:foo"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IoChannels.open(uri), uri);
            assertTrue(e.getMessage().startsWith(uri), e.getMessage());
        }
    }
}

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
        assertTrue(e.getMessage().contains("'" + option + "'"), "message should name '" + option + "': " + e.getMessage());
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

    @Test
    void malformedTargetsAreRejected() {
        for (String uri : new String[] {"mem:foo", "mem://a/b", "mem://a#frag", "buffer:foo", "null:foo"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IoChannels.open(uri), uri);
            assertTrue(e.getMessage().startsWith(uri), e.getMessage());
        }
    }
}

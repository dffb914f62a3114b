package dev.qio.provider.socket;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qio.channel.IoChannel;
import dev.qio.channel.IoChannels;
import dev.qio.channel.IoListener;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

/** Unknown options and bad values are errors naming the option; malformed URIs are errors naming the URI. */
@Timeout(30)
class OptionsTest {

    private static void rejects(String option, Executable open) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, open);
        assertTrue(
                e.getMessage().contains("'" + option + "'"), "message should name '" + option + "': " + e.getMessage());
    }

    @Test
    void unknownOptionsAreNamed() {
        String unix = TestSupport.unixUri(TestSupport.freshSocketPath());
        rejects("bogus", () -> IoChannels.open("tcp://127.0.0.1:1?bogus=1"));
        rejects("bogus", () -> IoChannels.listen("tcp://127.0.0.1:0?bogus"));
        rejects("bogus", () -> IoChannels.open(unix + "?bogus=1"));
        rejects("bogus", () -> IoChannels.listen(unix + "?bogus=1"));
        // tcp-only options are unknown on unix sockets
        rejects("nodelay", () -> IoChannels.open(unix + "?nodelay=true"));
        rejects("nodelay", () -> IoChannels.listen(unix + "?nodelay=true"));
        rejects("keepalive", () -> IoChannels.open(unix + "?keepalive=true"));
        rejects("connect-timeout", () -> IoChannels.open(unix + "?connect-timeout=100"));
        rejects("linger", () -> IoChannels.open(unix + "?linger=0"));
        rejects("linger", () -> IoChannels.listen(unix + "?linger=0"));
        // backlog is for listening, connect-timeout for connecting
        rejects("backlog", () -> IoChannels.open("tcp://127.0.0.1:1?backlog=5"));
        rejects("backlog", () -> IoChannels.open(unix + "?backlog=5"));
        rejects("connect-timeout", () -> IoChannels.listen("tcp://127.0.0.1:0?connect-timeout=100"));
    }

    /** linger takes 0 only: a positive linger would make close block in the kernel. */
    @Test
    void lingerTakesZeroOnly() {
        rejects("linger", () -> IoChannels.open("tcp://127.0.0.1:1?linger=5"));
        rejects("linger", () -> IoChannels.listen("tcp://127.0.0.1:0?linger=-1"));
        rejects("linger", () -> IoChannels.open("tcp://127.0.0.1:1?linger="));
        rejects("linger", () -> IoChannels.open("tcp://127.0.0.1:1?linger=yes"));
    }

    @Test
    void theMessageListsTheKnownOptions() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> IoChannels.open("tcp://127.0.0.1:1?nodelya=true"));
        assertTrue(e.getMessage().startsWith("tcp://127.0.0.1:1?nodelya=true"), e.getMessage());
        assertTrue(e.getMessage().contains("nodelay") && e.getMessage().contains("connect-timeout"), e.getMessage());
    }

    @Test
    void badValuesAreNamed() {
        String unix = TestSupport.unixUri(TestSupport.freshSocketPath());
        rejects("backlog", () -> IoChannels.listen("tcp://127.0.0.1:0?backlog=0"));
        rejects("backlog", () -> IoChannels.listen("tcp://127.0.0.1:0?backlog=-3"));
        rejects("backlog", () -> IoChannels.listen("tcp://127.0.0.1:0?backlog=many"));
        rejects("backlog", () -> IoChannels.listen("tcp://127.0.0.1:0?backlog=70000"));
        rejects("backlog", () -> IoChannels.listen(unix + "?backlog=0"));
        rejects("sndbuf", () -> IoChannels.open("tcp://127.0.0.1:1?sndbuf=0"));
        rejects("sndbuf", () -> IoChannels.open("tcp://127.0.0.1:1?sndbuf=12x"));
        rejects("sndbuf", () -> IoChannels.open("tcp://127.0.0.1:1?sndbuf=2g"));
        rejects("sndbuf", () -> IoChannels.listen(unix + "?sndbuf=-1"));
        rejects("rcvbuf", () -> IoChannels.listen("tcp://127.0.0.1:0?rcvbuf=lots"));
        rejects("nodelay", () -> IoChannels.open("tcp://127.0.0.1:1?nodelay=maybe"));
        rejects("keepalive", () -> IoChannels.open("tcp://127.0.0.1:1?keepalive=2"));
        rejects("connect-timeout", () -> IoChannels.open("tcp://127.0.0.1:1?connect-timeout=-5"));
        rejects("connect-timeout", () -> IoChannels.open("tcp://127.0.0.1:1?connect-timeout=soon"));
        rejects("nodelay", () -> IoChannels.open("tcp://127.0.0.1:1?nodelay=true&nodelay=false"));
    }

    /** Options are checked before anything touches the network: no lookup, no connect, no bind. */
    @Test
    void optionErrorsComeFirst() throws IOException {
        rejects("bogus", () -> IoChannels.open("tcp://no-such-host.invalid:1?bogus=1"));
        try (IoListener l = IoChannels.listen("tcp://127.0.0.1:0")) {
            rejects("bogus", () -> IoChannels.listen(l.localUri() + "?bogus=1")); // not "address in use"
            rejects("bogus", () -> IoChannels.open(l.localUri() + "?bogus=1"));
        }
        String unix = TestSupport.unixUri(TestSupport.freshSocketPath());
        try (IoListener l = IoChannels.listen(unix)) {
            rejects("bogus", () -> IoChannels.listen(unix + "?bogus=1")); // not "address in use"
        }
    }

    @Test
    void validOptionsAreAccepted() throws IOException {
        String unix = TestSupport.unixUri(TestSupport.freshSocketPath());
        try (IoListener l = IoChannels.listen(unix + "?backlog=3&sndbuf=64k&rcvbuf=65536");
                IoChannel c = IoChannels.open(unix + "?sndbuf=1m&rcvbuf=64k");
                IoChannel s = l.accept()) {
            assertTrue(c.isOpen() && s.isOpen());
        }
        try (IoListener l = IoChannels.listen("tcp://127.0.0.1:0?backlog=65535&nodelay=0&keepalive=1");
                IoChannel c = IoChannels.open(l.localUri() + "?connect-timeout=0&nodelay=on&keepalive=off");
                IoChannel s = l.accept()) {
            assertTrue(c.isOpen() && s.isOpen());
        }
    }

    @Test
    void malformedUrisAreRejectedNamingTheUri() {
        String[] bad = {
            "tcp://127.0.0.1", // no port
            "tcp://127.0.0.1:0", // port 0 only listens
            "tcp://127.0.0.1:70000", // out of range
            "tcp://127.0.0.1:1/path", // a path
            "tcp://127.0.0.1:1#frag", // a fragment
            "tcp://user@127.0.0.1:1", // user information
            "tcp:127.0.0.1:1", // opaque
            "tcp:///no-host",
            "unix:relative/path", // opaque: not absolute
            "unix://host/path", // an authority
            "unix:///tmp/x#frag",
        };
        for (String uri : bad) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IoChannels.open(uri), uri);
            assertTrue(e.getMessage().startsWith(uri), e.getMessage());
        }
        for (String uri : new String[] {"tcp://127.0.0.1", "tcp://127.0.0.1:70000", "unix:relative", "tcp://h:0/x"}) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> IoChannels.listen(uri), uri);
            assertTrue(e.getMessage().startsWith(uri), e.getMessage());
        }
    }
}

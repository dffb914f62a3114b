package dev.qio.provider.socket;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qio.channel.IoChannels;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every socket option refuses an empty value and a number in other scripts' digits at open,
 * naming the option and the value ({@link dev.qio.channel.spi.UriOptions} does it for every
 * provider; this checks the socket provider reads its options through it).
 */
@Timeout(30)
class EmptyOptionValuesTest {

    private static void rejects(String uri, String option, String says) {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> (uri.contains("backlog") ? IoChannels.listen(uri) : IoChannels.open(uri)).close(),
                uri);
        assertTrue(
                e.getMessage().contains("option '" + option + "'")
                        && e.getMessage().contains(says),
                "message should name '" + option + "' and say " + says + ": " + e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"nodelay", "keepalive", "connect-timeout", "sndbuf", "rcvbuf", "backlog"})
    void anEmptyValueIsRefused(String option) {
        String port = option.equals("backlog") ? "0" : "1";
        rejects("tcp://127.0.0.1:" + port + "?" + option + "=", option, "empty value");
    }

    @ParameterizedTest
    @ValueSource(strings = {"connect-timeout", "sndbuf", "rcvbuf", "backlog"})
    void aNumberInOtherDigitsIsRefused(String option) {
        String port = option.equals("backlog") ? "0" : "1";
        rejects("tcp://127.0.0.1:" + port + "?" + option + "=５", option, "'５'");
    }
}

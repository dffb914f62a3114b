package dev.qio.channel.spi;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link UriOptions}: parsing, typed getters and the rejection of unknown options. */
class UriOptionsTest {

    enum Stderr {
        INHERIT,
        DISCARD,
        MERGE
    }

    enum Access {
        READ_ONLY,
        READ_WRITE
    }

    private static UriOptions options(String uri) {
        return UriOptions.of(URI.create(uri));
    }

    /** Options of {@code scheme://h?QUERY}. */
    private static UriOptions query(String query) {
        return options("x://h?" + query);
    }

    private static void assertMentions(IllegalArgumentException e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "'" + p + "' missing from: " + e.getMessage());
        }
    }

    // ---- URI shapes -------------------------------------------------------------------------

    @Test
    void hierarchicalUriTargetIsAuthorityPlusPathAndItsQueryIsParsed() {
        UriOptions o = options("tcp://h:1?nodelay=true&backlog=5");

        assertEquals("h:1", o.target());
        assertEquals(true, o.bool("nodelay", false));
        assertEquals(5, o.integer("backlog", 1, 0, 100));
        assertDoesNotThrow(o::finish);
    }

    @Test
    void hierarchicalUriWithoutAuthorityHasTheDecodedPathAsTarget() {
        assertEquals("/tmp/a b", options("file:///tmp/a%20b?mode=r").target());
    }

    @Test
    void opaqueUriTargetIsTheDecodedPartBeforeTheQuery() {
        assertEquals("my prog", options("command:my%20prog?arg=1").target());
        assertEquals("cat", options("command:cat").target());
    }

    @Test
    void opaqueUriQueryIsParsedAndDecoded() {
        UriOptions o = options("command:cat?arg=a%20b&arg=c");

        assertEquals(List.of("a b", "c"), o.all("arg"));
    }

    @Test
    void plusStaysAPlusAndPercentEscapesDecode() {
        UriOptions o = options("command:x?a=1+2&b=%2B&c=x%26y%3Dz");

        assertEquals("1+2", o.string("a", null));
        assertEquals("+", o.string("b", null));
        assertEquals("x&y=z", o.string("c", null));
    }

    @Test
    void emptyPairsAreSkipped() {
        UriOptions o = query("a=1&&b=2&");

        assertEquals("1", o.string("a", null));
        assertEquals("2", o.string("b", null));
        assertDoesNotThrow(o::finish);
    }

    @Test
    void displayNameStripsATrailingQuestionMark() {
        assertEquals("null:", UriOptions.displayName(URI.create("null:?")));
        assertEquals("buffer:?capacity=8", UriOptions.displayName(URI.create("buffer:?capacity=8")));
        assertEquals("tcp://h:1", UriOptions.displayName(URI.create("tcp://h:1")));
        assertEquals("null:", UriOptions.of(URI.create("null:?")).uri());
    }

    // ---- strings, repeats ---------------------------------------------------------------------

    @Test
    void stringIsEmptyOrTheDefaultWhenAbsent() {
        UriOptions o = query("a=1");

        assertEquals(Optional.empty(), o.string("b"));
        assertEquals("dflt", o.string("c", "dflt"));
    }

    @Test
    void singleValuedOptionGivenTwiceIsAnErrorNamingIt() {
        UriOptions o = options("file:///f?mode=r&mode=w");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> o.string("mode"));

        assertMentions(e, "file:///f", "'mode'", "2 times");
    }

    @Test
    void allReturnsEveryValueInOrderOrNothing() {
        UriOptions o = query("arg=b&arg=a&arg=b");

        assertEquals(List.of("b", "a", "b"), o.all("arg"));
        assertEquals(List.of(), o.all("missing"));
    }

    @Test
    void prefixedCollectsOptionsByTheRestOfTheirName() {
        UriOptions o = options("command:x?env.HOME=/h&cwd=/&env.LANG=C");

        assertEquals(Map.of("HOME", "/h", "LANG", "C"), o.prefixed("env."));
        assertEquals(List.of("HOME", "LANG"), List.copyOf(o.prefixed("env.").keySet()));
        o.string("cwd");
        assertDoesNotThrow(o::finish);
    }

    // ---- booleans -----------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"true", "on", "yes", "1", "TRUE", "Yes"})
    void boolAcceptsTrueSpellings(String value) {
        assertEquals(true, query("b=" + value).bool("b", false));
    }

    @ParameterizedTest
    @ValueSource(strings = {"false", "off", "no", "0", "FALSE", "Off"})
    void boolAcceptsFalseSpellings(String value) {
        assertEquals(false, query("b=" + value).bool("b", true));
    }

    @Test
    void boolGivesTheDefaultWhenAbsent() {
        assertEquals(true, query("").bool("b", true));
        assertEquals(false, query("").bool("b", false));
    }

    @Test
    void boolRefusesOtherValuesNamingOptionAndValue() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> query("nodelay=maybe").bool("nodelay", false));

        assertMentions(e, "'nodelay'", "'maybe'");
    }

    // ---- numbers ------------------------------------------------------------------------------

    @Test
    void integerWithinRange() {
        assertEquals(-3, query("n=-3").integer("n", 0, -10, 10));
        assertEquals(7, query("").integer("n", 7, 0, 10));
    }

    @Test
    void integerOutOfRangeNamesTheBounds() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> query("backlog=0").integer("backlog", 5, 1, 10));

        assertMentions(e, "'backlog'", "[1, 10]");
    }

    @Test
    void integerRefusesText() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> query("backlog=lots").integer("backlog", 5, 1, 10));

        assertMentions(e, "'backlog'", "'lots'", "not an integer");
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({
        "8, 8",
        "0, 0",
        "64k, 65536",
        "3K, 3072",
        "1m, 1048576",
        "2g, 2147483648",
        "8589934591g, 9223372035781033984",
    })
    void bytesTakesABinarySuffix(String value, long expected) {
        assertEquals(expected, query("capacity=" + value).bytes("capacity", 1, 0, Long.MAX_VALUE));
    }

    @ParameterizedTest
    @ValueSource(strings = {"8589934592g", "9007199254740992k", "9223372036854775807m", "99999999999999999999"})
    void bytesRefusesOverflow(String value) {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> query("capacity=" + value).bytes("capacity", 1, 0, Long.MAX_VALUE));

        assertMentions(e, "'capacity'", value);
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "-1k"})
    void bytesRefusesNegativeCounts(String value) {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> query("capacity=" + value).bytes("capacity", 1, Long.MIN_VALUE, Long.MAX_VALUE));

        assertMentions(e, "'capacity'", value);
    }

    @ParameterizedTest
    @ValueSource(strings = {"lots", "k", "1kb", "1.5m"}) // empty: anEmptyValueIsRefusedNamingTheOption
    void bytesRefusesText(String value) {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> query("capacity=" + value).bytes("capacity", 1, 0, Long.MAX_VALUE));

        assertMentions(e, "'capacity'", "'" + value + "'", "not a byte count");
    }

    @Test
    void bytesOutsideTheRangeIsRefused() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> query("capacity=2m").bytes("capacity", 1, 1, 1 << 20));

        assertMentions(e, "'capacity'", "out of range");
    }

    @Test
    void millisParsesADurationOrGivesTheDefault() {
        assertEquals(Duration.ofMillis(1500), query("t=1500").millis("t", Duration.ZERO));
        assertEquals(Duration.ofSeconds(3), query("").millis("t", Duration.ofSeconds(3)));
    }

    @Test
    void millisRefusesNegativeAndText() {
        assertMentions(
                assertThrows(
                        IllegalArgumentException.class,
                        () -> query("connect-timeout=-1").millis("connect-timeout", Duration.ZERO)),
                "'connect-timeout'");
        assertMentions(
                assertThrows(
                        IllegalArgumentException.class,
                        () -> query("connect-timeout=soon").millis("connect-timeout", Duration.ZERO)),
                "'soon'");
    }

    @Test
    void octalParsesAFileMode() {
        assertEquals(0600, query("perm=0600").octal("perm", 0644, 0777));
        assertEquals(0755, query("perm=755").octal("perm", 0644, 0777));
        assertEquals(0644, query("").octal("perm", 0644, 0777));
    }

    @Test
    void octalRefusesNonOctalDigits() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> query("perm=0800").octal("perm", 0644, 0777));

        assertMentions(e, "'perm'", "'0800'", "octal");
    }

    @Test
    void octalAboveTheMaximumIsRefused() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> query("perm=1000").octal("perm", 0644, 0777));

        assertMentions(e, "'perm'", "out of range");
    }

    // ---- choices ------------------------------------------------------------------------------

    @Test
    void choiceMatchesTheLowerCaseNameIgnoringCase() {
        assertEquals(Stderr.MERGE, query("stderr=merge").choice("stderr", Stderr.class, Stderr.INHERIT));
        assertEquals(Stderr.DISCARD, query("stderr=DISCARD").choice("stderr", Stderr.class, Stderr.INHERIT));
        assertEquals(Stderr.INHERIT, query("").choice("stderr", Stderr.class, Stderr.INHERIT));
    }

    @Test
    void choiceSpellsUnderscoreAsDash() {
        assertEquals(Access.READ_WRITE, query("access=read-write").choice("access", Access.class, Access.READ_ONLY));
    }

    @Test
    void choiceRefusesOtherValuesListingTheAllowedOnes() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> query("access=read_write").choice("access", Access.class, Access.READ_ONLY));

        assertMentions(e, "'access'", "'read_write'", "read-only, read-write");
    }

    // ---- finish ---------------------------------------------------------------------------------

    @Test
    void finishRejectsAnUnknownOptionNamingItAndTheKnownOnes() {
        UriOptions o = options("tcp://h:1?nodelay=true&nodley=false&backlog=3");
        o.integer("backlog", 5, 1, 10);
        o.bool("nodelay", true);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, o::finish);

        assertMentions(e, "tcp://h:1", "'nodley'", "backlog, nodelay");
    }

    @Test
    void finishListsPrefixesAsNamePatterns() {
        UriOptions o = options("command:x?cwd=/&bogus=1");
        o.string("cwd");
        o.prefixed("env.");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, o::finish);

        assertMentions(e, "'bogus'", "cwd", "env.NAME");
    }

    @Test
    void finishSaysWhenASchemeTakesNoOptions() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> options("null:?x=1").finish());

        assertMentions(e, "'x'", "takes no options");
    }

    @Test
    void optionsAskedForButAbsentDoNotTroubleFinish() {
        UriOptions o = options("mem://name");
        o.bytes("capacity", 1, 1, 1 << 20);

        assertDoesNotThrow(o::finish);
    }

    /**
     * Regression: {@code env.=v} has an empty NAME, so {@link UriOptions#prefixed} skips
     * it, yet {@link UriOptions#finish()} accepts it because the key starts with the known prefix
     * {@code env.}: the option is silently dropped, which the contract forbids ("Unknown query
     * options are errors, not ignored").
     */
    @Test
    void finishRejectsAPrefixWithAnEmptyName() {
        UriOptions o = options("command:x?env.=v");
        assertEquals(Map.of(), o.prefixed("env."));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, o::finish);

        assertMentions(e, "'env.'");
    }

    // ---- empty values and non-ASCII digits ----------------------------------------------------

    /** Each getter, reading option {@code x}; the empty value is refused whichever reads it. */
    private static final Map<String, java.util.function.Consumer<UriOptions>> GETTERS = Map.of(
            "string", o -> o.string("x"),
            "all", o -> o.all("x"),
            "bool", o -> o.bool("x", true),
            "integer", o -> o.integer("x", 1, 0, 10),
            "bytes", o -> o.bytes("x", 1, 0, 10),
            "millis", o -> o.millis("x", Duration.ZERO),
            "octal", o -> o.octal("x", 0, 0777),
            "choice", o -> o.choice("x", Stderr.class, Stderr.INHERIT));

    @ParameterizedTest
    @CsvSource({
        "string, x=",
        "all, x=",
        "bool, x=",
        "integer, x=",
        "bytes, x=",
        "millis, x=",
        "octal, x=",
        "choice, x=",
        "string, x",
        "bool, x",
        "integer, x",
        "all, x=a&x="
    })
    void anEmptyValueIsRefusedNamingTheOption(String getter, String query) {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> GETTERS.get(getter).accept(query(query)));

        assertMentions(e, "x://h?" + query, "option 'x'", "empty value");
    }

    @Test
    void allowEmptyLetsAnEmptyValueThrough() {
        assertEquals(Optional.of(""), query("x=").allowEmpty("x").string("x"));
        assertEquals(List.of("a", "", "b"), query("x=a&x=&x=b").allowEmpty("x").all("x"));
        UriOptions other = query("x=&y=");
        other.allowEmpty("x").string("x");
        assertThrows(IllegalArgumentException.class, () -> other.string("y"), "allowEmpty is per option");
    }

    @Test
    void prefixedOptionsMayBeEmpty() {
        assertEquals(Map.of("EMPTY", ""), options("command:x?env.EMPTY=").prefixed("env."));
    }

    /**
     * {@link Long#parseLong} takes any script's digits ({@code ５}, {@code ٣}) and a plus; an
     * option takes ASCII digits only.
     */
    @ParameterizedTest
    @CsvSource({
        "integer, ５",
        "integer, ٣",
        "integer, +5",
        "integer, -",
        "integer, 1٣",
        "bytes, ５",
        "bytes, ５k",
        "bytes, +5",
        "bytes, k",
        "millis, ５",
        "octal, ０６４４",
        "octal, +644",
        "octal, 8"
    })
    void numbersAreAsciiDigitsOnly(String getter, String value) {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> GETTERS.get(getter).accept(query("x=" + value)));

        assertMentions(e, "option 'x'", "'" + value + "'");
    }

    @Test
    void badNamesTheUriAndTheOption() {
        IllegalArgumentException e = options("tcp://h:1?x=1").bad("x", "is wrong");

        assertEquals("tcp://h:1?x=1: option 'x' is wrong", e.getMessage());
    }
}

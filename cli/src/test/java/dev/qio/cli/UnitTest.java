package dev.qio.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.qio.cli.kit.Families;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pieces that need no process: family names and their order. */
class UnitTest {
    @Test
    void familiesFollowTheKitsNames() {
        assertEquals("roundtrip", Families.of("required_roundtrip"));
        assertEquals("partial_io", Families.of("required_partial_io"));
        assertEquals("eof", Families.of("required_eof_empty_source"));
        assertEquals("eof", Families.of("required_sink_discards"));
        assertEquals("eof", Families.of("required_known_source"));
        assertEquals("errblock", Families.of("required_errblock_write_when_full"));
        assertEquals("watch", Families.of("required_watch_out_on_room"));
        assertEquals("lifecycle", Families.of("required_lifecycle_io_after_close"));
        assertEquals("model", Families.of("required_model_stream"));
        assertEquals("SHUTDOWN", Families.of("optional_SHUTDOWN_half_close"));
        assertEquals("READ_MSG_PEEK", Families.of("optional_READ_MSG_PEEK_refused"));
        assertEquals("READ_MSG_PEEK", Families.of("untested_READ_MSG_PEEK_peek_then_read"));
        assertEquals("FD_PASS", Families.of("optional_FD_PASS"));
        assertEquals("CONCURRENT_IO", Families.of("optional_CONCURRENT_IO_full_duplex"));
        assertEquals("FixtureContract", Families.of("FixtureContract"), "a name of no family is its own");
    }

    @Test
    void knownFamiliesComeFirstInTheKitsOrder() {
        assertEquals(
                List.of("roundtrip", "eof", "SHUTDOWN", "CONCURRENT_IO", "brand_new"),
                Families.ordered(List.of("brand_new", "CONCURRENT_IO", "eof", "SHUTDOWN", "roundtrip", "eof")));
    }
}

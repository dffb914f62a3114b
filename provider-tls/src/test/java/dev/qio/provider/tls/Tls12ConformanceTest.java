package dev.qio.provider.tls;

import dev.qio.testkit.ChannelContract;
import dev.qio.testkit.ChannelFixture;

/**
 * The kit over {@code tls+tcp://} with TLS 1.2 only, whose close differs from 1.3 (a
 * close_notify is answered with one, and the session has no half-close).
 */
class Tls12ConformanceTest extends ChannelContract {
    @Override
    protected ChannelFixture fixture() {
        return TlsFixtures.pairs(
                "tls1.2+tcp",
                () -> "tls+tcp://127.0.0.1:0?" + TlsFixtures.credsQuery() + "&protocols=TLSv1.2&" + TlsFixtures.BUFFERS,
                "protocols=TLSv1.2&" + TlsFixtures.BUFFERS);
    }
}

package dev.qio.provider.tls;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.EventType;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * The JFR event of one TLS handshake, from {@code beginHandshake} to its end, success or failure.
 * Made only while a recording enables it, so a channel whose handshake is not recorded allocates
 * nothing for it.
 */
@Name("dev.qio.TlsHandshake")
@Label("TLS Handshake")
@Category({"qio", "TLS"})
@Description("A tls+ channel's handshake; the duration runs from its start to its end, waiting for the peer included.")
@StackTrace(false)
final class TlsHandshakeEvent extends Event {
    private static final EventType TYPE = type();

    @Label("Channel")
    String channel;

    @Label("Client")
    @Description("true: this end connected; false: it accepted")
    boolean client;

    @Label("Protocol")
    String protocol;

    @Label("Cipher Suite")
    String cipherSuite;

    @Label("Peer")
    @Description("The peer certificate's subject, or the peer host when it sent none")
    String peer;

    @Label("Resumed")
    @Description("The session was resumed from an earlier connection rather than negotiated in full")
    boolean resumed;

    @Label("Failure")
    @Description("Why the handshake failed; empty when it succeeded")
    String failure;

    /** When it started, for telling a resumed session (created earlier) from a new one. */
    private transient long startMillis;

    private static EventType type() {
        try {
            return EventType.getEventType(TlsHandshakeEvent.class);
        } catch (RuntimeException | Error unsupported) {
            return null;
        }
    }

    /** An event started now, or {@code null} while handshakes are not recorded. */
    static TlsHandshakeEvent start() {
        if (TYPE == null || !TYPE.isEnabled()) {
            return null;
        }
        TlsHandshakeEvent event = new TlsHandshakeEvent();
        event.startMillis = System.currentTimeMillis();
        event.begin();
        return event;
    }

    /** Ends {@code event} (may be {@code null}) for {@code engine}'s handshake; {@code error} is {@code null} on success. */
    static void finish(TlsHandshakeEvent event, String channel, SSLEngine engine, Exception error) {
        if (event == null) {
            return;
        }
        event.end();
        if (!event.shouldCommit()) {
            return;
        }
        SSLSession session = engine.getSession();
        event.channel = channel;
        event.client = engine.getUseClientMode();
        event.protocol = session.getProtocol();
        event.cipherSuite = session.getCipherSuite();
        event.peer = peer(session);
        event.resumed = error == null && session.getCreationTime() < event.startMillis;
        event.failure = error == null ? "" : String.valueOf(error.getMessage());
        event.commit();
    }

    private static String peer(SSLSession session) {
        try {
            return session.getPeerPrincipal().getName();
        } catch (SSLPeerUnverifiedException none) {
            return session.getPeerHost() == null ? "" : session.getPeerHost();
        }
    }
}

package dev.qio.provider.ws;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The HTTP/1.1 upgrade of RFC 6455 section 4: the client's request, the server's checks and
 * answer, and the client's checks of that answer. Text in, text out; the channel moves the bytes.
 */
final class Upgrade {
    private Upgrade() {}

    /** The GUID that section 1.3 appends to the key before hashing. */
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    static final String SUBPROTOCOL = "binary";
    /** The most bytes of request or response head accepted before its blank line. */
    static final int MAX_HEAD = 8192;

    private static final int MAX_HEADERS = 64;
    private static final SecureRandom KEYS = new SecureRandom();

    /** A refusal: the status, its reason phrase, what went wrong, and extra response headers. */
    record Refusal(int status, String phrase, String problem, String extraHeaders) {
        Refusal(int status, String phrase, String problem) {
            this(status, phrase, problem, "");
        }
    }

    /** The server's verdict: the response to send, and the refusal when it is not a 101. */
    record Answer(String response, Refusal refusal, String subprotocol) {}

    /** A fresh {@code Sec-WebSocket-Key}: 16 random bytes in base64. */
    static String newKey() {
        byte[] nonce = new byte[16];
        KEYS.nextBytes(nonce);
        return Base64.getEncoder().encodeToString(nonce);
    }

    /** The {@code Sec-WebSocket-Accept} value for {@code key}. */
    static String accept(String key) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1").digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
    }

    /** The client's request head, ending in the blank line. */
    static String request(String path, String host, String origin, String key) {
        return "GET " + path + " HTTP/1.1\r\n"
                + "Host: " + host + "\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + key + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Protocol: " + SUBPROTOCOL + "\r\n"
                + (origin == null ? "" : "Origin: " + origin + "\r\n")
                + "\r\n";
    }

    /**
     * Checks a client's request head (without its blank line) and answers it.
     *
     * @param path the only path accepted, or {@code null} for any
     * @param origins the accepted origins; empty accepts any
     */
    static Answer answer(String head, String path, List<String> origins) {
        Refusal refusal = null;
        String protocol = "";
        Map<String, String> headers = new LinkedHashMap<>();
        String[] lines = head.split("\r\n", -1);
        String[] requestLine = lines[0].split(" ", -1);
        if (requestLine.length != 3
                || requestLine[0].isEmpty()
                || requestLine[1].isEmpty()
                || !requestLine[2].matches("HTTP/\\d\\.\\d")) {
            refusal = new Refusal(400, "Bad Request", "malformed request line '" + printable(lines[0]) + "'");
        } else if (!requestLine[0].equals("GET")) {
            refusal = new Refusal(
                    405, "Method Not Allowed", "method " + requestLine[0] + " is not GET", "Allow: GET\r\n");
        } else if (!requestLine[2].equals("HTTP/1.1")) {
            refusal = new Refusal(505, "HTTP Version Not Supported", requestLine[2] + " is not HTTP/1.1");
        } else {
            refusal = parseHeaders(lines, headers);
        }
        if (refusal == null) {
            refusal = check(requestLine[1], headers, path, origins);
        }
        if (refusal == null) {
            String offered = headers.get("sec-websocket-protocol");
            protocol = offered != null && hasToken(offered, SUBPROTOCOL) ? SUBPROTOCOL : "";
            String response = "HTTP/1.1 101 Switching Protocols\r\n"
                    + "Upgrade: websocket\r\n"
                    + "Connection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: "
                    + accept(headers.get("sec-websocket-key").strip()) + "\r\n"
                    + (protocol.isEmpty() ? "" : "Sec-WebSocket-Protocol: " + protocol + "\r\n")
                    + "\r\n";
            return new Answer(response, null, protocol);
        }
        return new Answer(refusalResponse(refusal), refusal, "");
    }

    /** The response to a request refused before its head was whole (too long). */
    static String refusalResponse(Refusal r) {
        byte[] body = (r.problem() + "\n").getBytes(StandardCharsets.UTF_8);
        return "HTTP/1.1 " + r.status() + " " + r.phrase() + "\r\n"
                + r.extraHeaders()
                + "Content-Type: text/plain; charset=utf-8\r\n"
                + "Content-Length: " + body.length + "\r\n"
                + "Connection: close\r\n"
                + "\r\n"
                + new String(body, StandardCharsets.ISO_8859_1);
    }

    private static Refusal check(String target, Map<String, String> headers, String path, List<String> origins) {
        String requested = target.indexOf('?') < 0 ? target : target.substring(0, target.indexOf('?'));
        if (path != null && !requested.equals(path)) {
            return new Refusal(404, "Not Found", "path " + printable(requested) + " is not " + path);
        }
        if (!headers.containsKey("host")) {
            return new Refusal(400, "Bad Request", "no Host header");
        }
        if (!hasToken(headers.getOrDefault("upgrade", ""), "websocket")) {
            return new Refusal(400, "Bad Request", "no 'Upgrade: websocket' header");
        }
        if (!hasToken(headers.getOrDefault("connection", ""), "upgrade")) {
            return new Refusal(400, "Bad Request", "no 'Connection: Upgrade' header");
        }
        String version = headers.get("sec-websocket-version");
        if (version == null || !version.strip().equals("13")) {
            return new Refusal(
                    426,
                    "Upgrade Required",
                    version == null
                            ? "no Sec-WebSocket-Version header"
                            : "Sec-WebSocket-Version " + printable(version) + " is not 13",
                    "Sec-WebSocket-Version: 13\r\n");
        }
        String key = headers.get("sec-websocket-key");
        if (key == null) {
            return new Refusal(400, "Bad Request", "no Sec-WebSocket-Key header");
        }
        if (!isNonce(key.strip())) {
            return new Refusal(
                    400, "Bad Request", "Sec-WebSocket-Key '" + printable(key) + "' is not 16 bytes in base64");
        }
        String origin = headers.get("origin");
        if (!origins.isEmpty() && (origin == null || !origins.contains(origin.strip()))) {
            return new Refusal(
                    403,
                    "Forbidden",
                    origin == null ? "no Origin header" : "origin " + printable(origin) + " is not allowed");
        }
        return null;
    }

    /**
     * Reads header lines into {@code headers} (names lower-cased; repeated names joined with
     * commas, as section 5.3 of RFC 9110 allows for list headers).
     */
    private static Refusal parseHeaders(String[] lines, Map<String, String> headers) {
        if (lines.length - 1 > MAX_HEADERS) {
            return new Refusal(431, "Request Header Fields Too Large", "more than " + MAX_HEADERS + " headers");
        }
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            int colon = line.indexOf(':');
            if (colon <= 0 || !line.substring(0, colon).matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
                return new Refusal(400, "Bad Request", "malformed header line '" + printable(line) + "'");
            }
            String name = line.substring(0, colon).toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).strip();
            headers.merge(name, value, (a, b) -> a + ", " + b);
        }
        return null;
    }

    /**
     * Checks a server's response head to a request with {@code key}.
     *
     * @return the agreed subprotocol ({@code binary} or empty)
     * @throws WsHandshakeException naming what is wrong
     */
    static String checkResponse(String head, String key, String name) throws WsHandshakeException {
        String[] lines = head.split("\r\n", -1);
        String[] status = lines[0].split(" ", 3);
        if (status.length < 2 || !status[0].startsWith("HTTP/1.") || !status[1].matches("\\d{3}")) {
            throw new WsHandshakeException(
                    name + ": the server's answer is not HTTP: '" + printable(lines[0]) + "'", 0);
        }
        int code = Integer.parseInt(status[1]);
        if (code != 101) {
            throw new WsHandshakeException(
                    name + ": the server refused the WebSocket upgrade: " + printable(lines[0]), code);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        Refusal malformed = parseHeaders(lines, headers);
        String problem = malformed != null
                ? malformed.problem()
                : !hasToken(headers.getOrDefault("upgrade", ""), "websocket")
                        ? "no 'Upgrade: websocket' header"
                        : !hasToken(headers.getOrDefault("connection", ""), "upgrade")
                                ? "no 'Connection: Upgrade' header"
                                : !accept(key)
                                                .equals(headers.getOrDefault("sec-websocket-accept", "")
                                                        .strip())
                                        ? "Sec-WebSocket-Accept is not the hash of our key"
                                        : null;
        String protocol = headers.getOrDefault("sec-websocket-protocol", "").strip();
        if (problem == null && !protocol.isEmpty() && !protocol.equals(SUBPROTOCOL)) {
            problem = "the server chose subprotocol '" + printable(protocol) + "', which was not offered";
        }
        if (problem != null) {
            throw new WsHandshakeException(
                    name + ": the server's 101 answer is not a WebSocket upgrade: " + problem, code);
        }
        return protocol;
    }

    /** Whether the comma list {@code list} holds {@code token}, ignoring case. */
    private static boolean hasToken(String list, String token) {
        for (String part : list.split(",")) {
            if (part.strip().equalsIgnoreCase(token)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isNonce(String key) {
        try {
            return key.length() == 24 && Base64.getDecoder().decode(key).length == 16;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** {@code s} cut short and with control characters escaped, for messages about untrusted input. */
    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 80; i++) {
            char c = s.charAt(i);
            b.append(c < ' ' || c >= 0x7f ? String.format("\\x%02x", (int) c & 0xff) : String.valueOf(c));
        }
        return s.length() > 80 ? b + "…" : b.toString();
    }
}

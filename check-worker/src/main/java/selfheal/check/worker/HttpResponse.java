package selfheal.check.worker;

import java.time.Duration;

/**
 * What the endpoint answered.
 *
 * @param contentType the media type without parameters, lower case; "" when absent
 * @param elapsed from just before connecting to the last body byte: the request only
 * @param size the body's length in bytes
 * @param location the Location header; "" when absent
 * @param certificateExpiry when the server's certificate expires; null over plain http
 */
record HttpResponse(int code, String reason, String contentType, String body, Duration elapsed, int size,
                    String location, java.time.Instant certificateExpiry) {

    HttpResponse {
        reason = reason == null ? "" : reason;
        contentType = contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
        location = location == null ? "" : location;
    }

    HttpResponse(int code, String reason, String contentType, String body, Duration elapsed) {
        this(code, reason, contentType, body, elapsed, body.getBytes(java.nio.charset.StandardCharsets.UTF_8).length, "", null);
    }

    /** The same response, as received over a connection whose server certificate expires at {@code expiry}. */
    HttpResponse withCertificateExpiry(java.time.Instant expiry) {
        return new HttpResponse(code, reason, contentType, body, elapsed, size, location, expiry);
    }

    boolean isRedirect() {
        return code >= 300 && code < 400 && !location.isEmpty();
    }

    /** "HTTP 503 Service Unavailable". */
    String statusLine() {
        return ("HTTP " + code + " " + reason).strip();
    }

    boolean isSuccess() {
        return code >= 200 && code < 300;
    }
}

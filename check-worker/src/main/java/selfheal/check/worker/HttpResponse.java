package selfheal.check.worker;

import java.time.Duration;

/**
 * What the endpoint answered.
 *
 * @param contentType the media type without parameters, lower case; "" when absent
 * @param elapsed from just before connecting to the last body byte: the request only
 */
record HttpResponse(int code, String reason, String contentType, String body, Duration elapsed) {

    HttpResponse {
        reason = reason == null ? "" : reason;
        contentType = contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
    }

    /** "HTTP 503 Service Unavailable". */
    String statusLine() {
        return ("HTTP " + code + " " + reason).strip();
    }

    boolean isSuccess() {
        return code >= 200 && code < 300;
    }
}

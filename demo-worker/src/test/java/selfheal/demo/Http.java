package selfheal.demo;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** GET with a read timeout; the body of error answers too. */
record Http(int code, String body) {

    static Http get(URI uri, Duration readTimeout) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
        connection.setConnectTimeout(2000);
        connection.setReadTimeout((int) readTimeout.toMillis());
        try {
            int code = connection.getResponseCode();
            InputStream in = code >= 400 ? connection.getErrorStream() : connection.getInputStream();
            return new Http(code, in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } finally {
            connection.disconnect();
        }
    }

    static Http get(URI uri) throws IOException {
        return get(uri, Duration.ofSeconds(5));
    }
}

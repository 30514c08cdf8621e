package selfheal.status;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** A plain HTTP client for the tests: method, status, headers and body, error bodies included. */
record Http(int code, Map<String, List<String>> headers, String body) {

    static Http get(URI uri) throws IOException {
        return request("GET", uri);
    }

    static Http request(String method, URI uri) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
        connection.setRequestMethod(method);
        connection.setConnectTimeout(5000);
        connection.setReadTimeout(10000);
        try {
            int code = connection.getResponseCode();
            InputStream in = code >= 400 ? connection.getErrorStream() : connection.getInputStream();
            String body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return new Http(code, connection.getHeaderFields(), body);
        } finally {
            connection.disconnect();
        }
    }

    String header(String name) {
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            if (e.getKey() != null && e.getKey().equalsIgnoreCase(name)) {
                return String.join(",", e.getValue());
            }
        }
        return null;
    }
}

package selfheal.status;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
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

    /**
     * Sends {@code request} as it is over a fresh socket and reads until the server closes, all under one
     * deadline; the raw answer, or why there is none.
     */
    static String raw(InetSocketAddress address, String request, int deadlineMs) throws IOException {
        long deadline = System.nanoTime() + deadlineMs * 1_000_000L;
        try (Socket socket = new Socket()) {
            socket.connect(address, deadlineMs);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = socket.getInputStream();
            StringBuilder answer = new StringBuilder();
            byte[] buffer = new byte[4096];
            while (true) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    return "no answer within " + deadlineMs + " ms: " + answer;
                }
                socket.setSoTimeout((int) left);
                int n;
                try {
                    n = in.read(buffer);
                } catch (SocketTimeoutException late) {
                    return "no answer within " + deadlineMs + " ms: " + answer;
                } catch (IOException reset) {
                    return "connection failed: " + reset + ": " + answer;
                }
                if (n < 0) {
                    return answer.length() == 0 ? "connection closed without an answer" : answer.toString();
                }
                answer.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
            }
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

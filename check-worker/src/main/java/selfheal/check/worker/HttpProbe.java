package selfheal.check.worker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.NoRouteToHostException;
import java.net.Proxy;
import java.net.SocketTimeoutException;
import java.net.URL;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocketFactory;

/**
 * One GET with HttpURLConnection (far cheaper to start than java.net.http), bounded as a whole by one
 * deadline: connect, headers and a slowly trickled body all count against it. The request runs on a
 * daemon thread; when the deadline passes the connection is torn down and the caller gets TIMEOUT.
 */
final class HttpProbe {

    /** Bodies beyond this are refused: a status document is a few KiB. */
    static final int MAX_BODY = 1024 * 1024;

    private final SSLSocketFactory tlsFactory;

    /** @param tlsFactory trust for https, or null for the JDK's default trust store */
    HttpProbe(SSLSocketFactory tlsFactory) {
        this.tlsFactory = tlsFactory;
    }

    HttpResponse get(URL url, List<Map.Entry<String, String>> headers, Duration timeout) throws ProbeFailure {
        long deadline = System.nanoTime() + timeout.toNanos();
        HttpURLConnection[] connection = new HttpURLConnection[1];
        // An anonymous class, not a lambda: see CheckWorker.run.
        FutureTask<HttpResponse> task = new FutureTask<>(new Callable<HttpResponse>() {
            @Override
            public HttpResponse call() throws Exception {
                return fetch(url, headers, timeout, connection);
            }
        });
        Thread thread = new Thread(task, "check_worker-request");
        thread.setDaemon(true);
        thread.start();
        try {
            return task.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            abort(task, connection);
            throw timedOut(timeout);
        } catch (InterruptedException e) {
            abort(task, connection);
            Thread.currentThread().interrupt();
            throw timedOut(timeout);
        } catch (ExecutionException e) {
            throw classify(e.getCause(), url, timeout);
        }
    }

    private static void abort(FutureTask<HttpResponse> task, HttpURLConnection[] connection) {
        task.cancel(true);
        HttpURLConnection c;
        synchronized (connection) {
            c = connection[0];
        }
        if (c != null) {
            c.disconnect(); // closes the socket, which ends a blocked connect or read
        }
    }

    private HttpResponse fetch(URL url, List<Map.Entry<String, String>> headers, Duration timeout,
            HttpURLConnection[] holder) throws IOException, ProbeFailure {
        HttpURLConnection c = (HttpURLConnection) url.openConnection(Proxy.NO_PROXY);
        synchronized (holder) {
            holder[0] = c;
        }
        if (c instanceof HttpsURLConnection https && tlsFactory != null) {
            https.setSSLSocketFactory(tlsFactory);
        }
        int millis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
        c.setConnectTimeout(millis);
        c.setReadTimeout(millis);
        c.setInstanceFollowRedirects(false);
        c.setUseCaches(false);
        c.setRequestProperty("Accept", "application/health+json, application/json;q=0.9, text/plain;q=0.5, */*;q=0.1");
        c.setRequestProperty("User-Agent", "check_worker");
        c.setRequestProperty("Connection", "close");
        for (Map.Entry<String, String> h : headers) {
            c.setRequestProperty(h.getKey(), h.getValue());
        }
        long start = System.nanoTime(); // from here on it is the request itself: connect, send, receive
        try {
            int code = c.getResponseCode();
            if (c.getContentLengthLong() > MAX_BODY) {
                throw tooLarge();
            }
            InputStream in = code >= 400 ? c.getErrorStream() : c.getInputStream();
            byte[] body = in == null ? new byte[0] : readCapped(in);
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            return new HttpResponse(code, c.getResponseMessage(), c.getContentType(),
                    new String(body, StandardCharsets.UTF_8), elapsed);
        } finally {
            c.disconnect();
        }
    }

    private static byte[] readCapped(InputStream in) throws IOException, ProbeFailure {
        try (in) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            for (int n; (n = in.read(buffer)) != -1; ) {
                out.write(buffer, 0, n);
                if (out.size() > MAX_BODY) {
                    throw tooLarge();
                }
            }
            return out.toByteArray();
        }
    }

    private static ProbeFailure tooLarge() {
        return new ProbeFailure(ProbeFailure.Kind.TOO_LARGE, "response body larger than " + MAX_BODY + " bytes");
    }

    static ProbeFailure timedOut(Duration timeout) {
        return new ProbeFailure(ProbeFailure.Kind.TIMEOUT,
                "timed out after " + selfheal.plugin.PerfData.number(timeout.toMillis() / 1000.0) + " s");
    }

    private static ProbeFailure classify(Throwable cause, URL url, Duration timeout) {
        String where = url.getHost() + ":" + (url.getPort() == -1 ? url.getDefaultPort() : url.getPort());
        if (cause instanceof ProbeFailure f) {
            return f;
        }
        if (cause instanceof SocketTimeoutException) {
            return timedOut(timeout);
        }
        if (cause instanceof UnknownHostException) {
            return new ProbeFailure(ProbeFailure.Kind.UNREACHABLE, "cannot resolve host name " + url.getHost());
        }
        if (cause instanceof ConnectException) {
            return new ProbeFailure(ProbeFailure.Kind.UNREACHABLE, "connection refused by " + where);
        }
        if (cause instanceof NoRouteToHostException) {
            return new ProbeFailure(ProbeFailure.Kind.UNREACHABLE, "no route to " + where);
        }
        if (cause instanceof SSLException) {
            return new ProbeFailure(ProbeFailure.Kind.UNREACHABLE, "TLS failure with " + where + ": " + rootMessage(cause));
        }
        return new ProbeFailure(ProbeFailure.Kind.UNREACHABLE,
                "request to " + where + " failed: " + selfheal.plugin.Plugin.describe(cause));
    }

    /** The innermost message, which names the real TLS problem (e.g. an untrusted certificate). */
    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage();
        return m == null ? root.getClass().getSimpleName() : m;
    }
}

package selfheal.loop;

import com.grack.nanojson.JsonObject;
import com.grack.nanojson.JsonParser;
import com.grack.nanojson.JsonParserException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Base64;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * One service as a running Icinga 2 shows it, read through its REST API ({@code GET /v1/objects/services/HOST!NAME})
 * as a read-only API user, over TLS verified against the API's CA. Icinga 2 keeps times as epoch seconds with
 * fractions, so a state change can be placed to the millisecond against the listener's audit log.
 */
final class IcingaService {
    private static final String ATTRIBUTES = "attrs=state&attrs=state_type&attrs=check_attempt&attrs=last_state_change"
            + "&attrs=last_check_result";

    private final HttpClient client;
    private final URI uri;
    private final String authorization;

    /**
     * What Icinga 2 shows of the service now. {@code checkEnded} is the end of the check that gave this state
     * (its result's execution_end); {@code lastStateChange} when the state last changed, SOFT or HARD.
     */
    record State(int state, boolean hard, int attempt, boolean checked, String output, double lastStateChange,
                 double checkEnded) {
        static final int OK = 0;
        static final int CRITICAL = 2;

        boolean is(int wantedState, boolean wantedHard) {
            return checked && state == wantedState && hard == wantedHard;
        }

        /** In this state, of either type, entered at or after {@code epochSeconds}. */
        boolean enteredSince(int wantedState, double epochSeconds) {
            return checked && state == wantedState && lastStateChange >= epochSeconds;
        }

        @Override
        public String toString() {
            String[] names = {"OK", "WARNING", "CRITICAL", "UNKNOWN"};
            String name = state >= 0 && state < names.length ? names[state] : "state " + state;
            return name + (hard ? " HARD " : " SOFT ") + attempt + " - " + output
                    + String.format(" (state since %.3f, check ended %.3f)", lastStateChange, checkEnded);
        }
    }

    private IcingaService(HttpClient client, URI uri, String authorization) {
        this.client = client;
        this.uri = uri;
        this.authorization = authorization;
    }

    /** The service {@code name} of the stack's host, read with the reader's credentials from its stack.env. */
    static IcingaService of(PrivateStack stack, String name) {
        String object = stack.env("ICINGA_HOST") + "!" + name;
        URI uri = URI.create(stack.env("ICINGA_API_URL") + "/v1/objects/services/"
                + URLEncoder.encode(object, StandardCharsets.UTF_8).replace("+", "%20") + "?" + ATTRIBUTES);
        String credentials = stack.env("ICINGA_READER_USER") + ":" + stack.env("ICINGA_READER_PASSWORD");
        HttpClient client = HttpClient.newBuilder()
                .sslContext(trusting(Path.of(stack.env("ICINGA_CA"))))
                .connectTimeout(Duration.ofSeconds(3))
                .build();
        return new IcingaService(client, uri,
                "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
    }

    /** A TLS context that trusts only the CA in this PEM file. */
    private static SSLContext trusting(Path caFile) {
        try (InputStream in = Files.newInputStream(caFile)) {
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            trusted.setCertificateEntry("icinga-ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot trust the CA in " + caFile, e);
        }
    }

    /** Reads the service's state now. */
    State read() {
        HttpRequest request = HttpRequest.newBuilder(uri)
                .header("Accept", "application/json")
                .header("Authorization", authorization)
                .timeout(Duration.ofSeconds(5))
                .GET()
                .build();
        HttpResponse<String> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("GET " + uri + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted reading " + uri, e);
        }
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET " + uri + " answered HTTP " + response.statusCode() + ": " + response.body());
        }
        try {
            JsonObject attrs = JsonParser.object().from(response.body()).getArray("results").getObject(0).getObject("attrs");
            JsonObject result = attrs.getObject("last_check_result");
            boolean checked = attrs.get("last_check_result") != null;
            return new State(attrs.getInt("state"), attrs.getInt("state_type") == 1, attrs.getInt("check_attempt"), checked,
                    checked ? result.getString("output") : "(not checked yet)", attrs.getDouble("last_state_change"),
                    checked ? result.getDouble("execution_end") : 0);
        } catch (JsonParserException | RuntimeException e) {
            throw new IllegalStateException("unexpected answer to GET " + uri + ": " + response.body(), e);
        }
    }
}

package selfheal.heal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The listener's side of a TLS handshake on a connection it was given: TLS 1.3 or 1.2 only (the JDK's
 * suites for them), a client certificate required and verified against the client CA, client-initiated
 * renegotiation refused, and the whole handshake within the read deadline, as a silent client's line is: a
 * client that stalls half way is cut off by closing its socket. A connection whose first byte cannot begin a
 * TLS handshake is plaintext and refused as such.
 */
final class TlsHandshake {
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    /** The first byte of every TLS record that opens a handshake (content type 22). */
    private static final int HANDSHAKE_RECORD = 0x16;

    static {
        // Read by the JDK when its TLS classes load: set first. (TLS 1.3 has no renegotiation at all.)
        System.setProperty("jdk.tls.rejectClientInitiatedRenegotiation", "true");
    }

    private TlsHandshake() {
    }

    /** A handshake that ended well: the TLS socket, and who the client proved it is. */
    record Secured(SSLSocket socket, TlsClientIdentity client) {
    }

    /** Why there is no TLS connection; nothing was read as a request. */
    static class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    /** The client spoke plaintext: {@link #first} is the byte it began with, the rest is still unread. */
    static final class Plaintext extends Refused {
        private static final long serialVersionUID = 1L;
        final int first;

        Plaintext(int first) {
            super("plaintext on a TLS listener");
            this.first = first;
        }
    }

    /**
     * Handshakes as the server on {@code socket} within {@code deadline} (its first byte within
     * {@code firstByte}); on refusal the socket is left open for the caller to close.
     */
    static Secured serve(Socket socket, TlsFiles files, Duration firstByte, Duration deadline) throws Refused {
        Watchdog watchdog = new Watchdog(socket, deadline);
        int first;
        try {
            // TLS writes several small records in a row (the handshake's, the reply then close_notify): with
            // Nagle's algorithm each waits for the client's delayed ACK of the one before, some 40 ms
            socket.setTcpNoDelay(true);
            socket.setSoTimeout((int) Math.max(1, firstByte.toMillis()));
            first = socket.getInputStream().read();
        } catch (SocketTimeoutException e) {
            throw new Refused("no byte within " + firstByte.toMillis() + " ms");
        } catch (IOException e) {
            throw new Refused("handshake: " + e);
        }
        if (first < 0) {
            throw new Refused("closed before the handshake");
        }
        if (first != HANDSHAKE_RECORD) {
            throw new Plaintext(first);
        }
        Verdict verdict;
        SSLSocket tls;
        try {
            verdict = new Verdict(files.clientCas());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers(files), new TrustManager[] {verdict}, null);
            tls = (SSLSocket) context.getSocketFactory().createSocket(socket,
                    new ByteArrayInputStream(new byte[] {(byte) first}), true);
        } catch (GeneralSecurityException | IOException e) {
            throw new Refused("TLS set-up failed: " + e);
        }
        try {
            tls.setUseClientMode(false);
            tls.setNeedClientAuth(true);
            tls.setEnabledProtocols(PROTOCOLS);
            watchdog.start();
            socket.setSoTimeout((int) Math.max(1, deadline.toMillis()));
            tls.startHandshake();
            socket.setSoTimeout(0);
        } catch (IOException e) {
            throw new Refused(watchdog.fired() ? "handshake not complete within " + deadline.toMillis() + " ms"
                    : verdict.problem != null ? verdict.problem : describe(e));
        } finally {
            watchdog.cancel();
        }
        try {
            X509Certificate leaf = (X509Certificate) tls.getSession().getPeerCertificates()[0];
            TlsClientIdentity client = TlsClientIdentity.of(leaf);
            if (client == null) {
                throw new Refused("client certificate " + leaf.getSubjectX500Principal() + " names no CN or DNS SAN");
            }
            return new Secured(tls, client);
        } catch (IOException e) {
            throw new Refused("no client certificate");
        }
    }

    /** The JDK's words for a failed handshake, as short as they can be had. */
    private static String describe(IOException e) {
        String message = String.valueOf(e.getMessage());
        if (message.contains("Empty client certificate chain") || message.contains("certificate_required")) {
            return "no client certificate";
        }
        Throwable cause = e.getCause();
        return "handshake failed: " + message + (cause == null ? "" : " (" + cause + ")");
    }

    private static javax.net.ssl.KeyManager[] keyManagers(TlsFiles files) throws GeneralSecurityException,
            IOException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        char[] none = new char[0];
        store.setKeyEntry("listener", files.key(), none, files.chain().toArray(new X509Certificate[0]));
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(store, none);
        return factory.getKeyManagers();
    }

    /**
     * The JDK's PKIX verification against the client CA, remembering why it refused a client's certificate, so
     * that the audit log says "expired" or "not issued by the client CA" rather than a TLS alert's name.
     */
    private static final class Verdict extends X509ExtendedTrustManager {
        private final X509ExtendedTrustManager pkix;
        volatile String problem;

        Verdict(List<X509Certificate> clientCas) throws GeneralSecurityException, IOException {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            for (int i = 0; i < clientCas.size(); i++) {
                store.setCertificateEntry("ca" + i, clientCas.get(i));
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
            factory.init(store);
            X509ExtendedTrustManager found = null;
            for (TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509ExtendedTrustManager extended) {
                    found = extended;
                }
            }
            if (found == null) {
                throw new GeneralSecurityException("no PKIX trust manager");
            }
            pkix = found;
        }

        private void judge(X509Certificate[] chain, Check check) throws CertificateException {
            try {
                check.run();
            } catch (CertificateException e) {
                problem = why(chain, e);
                throw e;
            }
        }

        private static String why(X509Certificate[] chain, CertificateException e) {
            if (chain == null || chain.length == 0) {
                return "no client certificate";
            }
            X509Certificate leaf = chain[0];
            String who = "client certificate " + leaf.getSubjectX500Principal().getName();
            try {
                leaf.checkValidity();
            } catch (CertificateException expired) {
                return who + " is valid only from " + leaf.getNotBefore().toInstant() + " to "
                        + leaf.getNotAfter().toInstant();
            }
            return who + " is not issued by the client CA (" + e.getMessage() + ")";
        }

        private interface Check {
            void run() throws CertificateException;
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String auth, Socket socket)
                throws CertificateException {
            judge(chain, () -> pkix.checkClientTrusted(chain, auth, socket));
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String auth, SSLEngine engine)
                throws CertificateException {
            judge(chain, () -> pkix.checkClientTrusted(chain, auth, engine));
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String auth) throws CertificateException {
            judge(chain, () -> pkix.checkClientTrusted(chain, auth));
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String auth, Socket socket)
                throws CertificateException {
            throw new CertificateException("the listener is no TLS client");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String auth, SSLEngine engine)
                throws CertificateException {
            throw new CertificateException("the listener is no TLS client");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String auth) throws CertificateException {
            throw new CertificateException("the listener is no TLS client");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return pkix.getAcceptedIssuers();
        }
    }

    /**
     * Closes the socket at the deadline unless cancelled first: a read timeout alone would let a client that
     * trickles a byte now and then hold the handshake open for ever.
     */
    private static final class Watchdog extends Thread {
        private final Socket socket;
        private final long millis;
        private volatile boolean cancelled;
        private volatile boolean fired;

        Watchdog(Socket socket, Duration deadline) {
            super("tls-handshake-deadline");
            setDaemon(true);
            this.socket = socket;
            this.millis = Math.max(1, deadline.toMillis());
        }

        @Override
        public void run() {
            long end = System.nanoTime() + millis * 1_000_000;
            synchronized (this) {
                long left;
                while (!cancelled && (left = end - System.nanoTime()) > 0) {
                    try {
                        wait(Math.max(1, left / 1_000_000));
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (cancelled) {
                    return;
                }
                fired = true;
            }
            try {
                socket.close();
            } catch (IOException e) {
                // closed already
            }
        }

        synchronized void cancel() {
            cancelled = true;
            notifyAll();
        }

        boolean fired() {
            return fired;
        }
    }
}

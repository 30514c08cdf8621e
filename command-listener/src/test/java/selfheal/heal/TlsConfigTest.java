package selfheal.heal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.InstantSource;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TLS keys of the configuration, with files made by scripts/selfheal-certs, and the identity check of
 * the heal path: a command runs only for the client identities it names.
 */
class TlsConfigTest {
    @TempDir
    static Path keys;
    static TestPki pki;

    @TempDir
    Path dir;
    ListenerFixture fx;

    @BeforeAll
    static void makeKeys() throws Exception {
        pki = TestPki.create(keys.resolve("pki")).server("worker1", "127.0.0.2").server("worker2")
                .client("nagios1").client("nagios2");
    }

    @BeforeEach
    void setUp() throws Exception {
        fx = new ListenerFixture(dir);
    }

    private ListenerFixture tls(String host) throws Exception {
        return fx.set("tls.cert", pki.serverCert(host).toString()).set("tls.key", pki.serverKey(host).toString())
                .set("tls.client-ca", pki.caCert().toString());
    }

    private List<String> problems() {
        return assertThrows(ConfigException.class, () -> ListenerConfig.load(fx.config)).problems();
    }

    @Test
    void withoutTlsKeysThereIsNoTlsAndEveryCommandAdmitsAnyone() throws Exception {
        ListenerConfig config = ListenerConfig.load(fx.config);
        assertTrue(config.tls().isEmpty());
        assertEquals(TlsClients.ANY, config.commands().get("foo-restart").clients());
    }

    @Test
    void theThreeFilesAreReadAndTheClientsDefaultToTheListenerWideList() throws Exception {
        tls("worker1").set("clients", "nagios1, Nagios2").command("foo-stop", "record.sh", fx.marker.toString())
                .set("command.foo-stop.clients", "nagios2");
        ListenerConfig config = ListenerConfig.load(fx.config);
        assertEquals("CN=worker1", config.tls().get().chain().get(0).getSubjectX500Principal().getName());
        assertEquals("nagios1,nagios2", config.commands().get("foo-restart").clients().toString());
        assertEquals("nagios2", config.commands().get("foo-stop").clients().toString());
    }

    @Test
    void clientsWithoutTlsIsAnError() throws Exception {
        fx.set("command.foo-restart.clients", "nagios1");
        assertEquals(List.of("command.foo-restart.clients: needs tls.cert, tls.key and tls.client-ca; without TLS"
                + " no client has an identity"), problems());
    }

    @Test
    void theTlsKeysGoTogether() throws Exception {
        fx.set("tls.cert", pki.serverCert("worker1").toString());
        assertEquals(List.of(
                "tls.key: missing; tls.cert, tls.key and tls.client-ca are set together",
                "tls.client-ca: missing; tls.cert, tls.key and tls.client-ca are set together"), problems());
    }

    @Test
    void aKeyOpenToOthersOrOfAnotherCertificateIsRefused() throws Exception {
        tls("worker1").set("tls.key", pki.serverKey("worker2").toString());
        assertEquals(List.of("tls.key: " + pki.serverKey("worker2") + " is not the key of the certificate in "
                + pki.serverCert("worker1")), problems());
        Path open = dir.resolve("open.key");
        Files.copy(pki.serverKey("worker1"), open);
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));
        fx.set("tls.key", open.toString());
        assertEquals(List.of("tls.key: " + open + " is open to group or others (mode 644); make it 0600"),
                problems());
    }

    @Test
    void aKeyInSec1FormIsRefusedWithTheCommandThatConvertsIt() throws Exception {
        Path sec1 = dir.resolve("sec1.key");
        Files.writeString(sec1, "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n");
        Files.setPosixFilePermissions(sec1, PosixFilePermissions.fromString("rw-------"));
        tls("worker1").set("tls.key", sec1.toString());
        List<String> problems = problems();
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("openssl pkcs8 -topk8 -nocrypt"), problems.get(0));
    }

    @Test
    void aCommandRunsOnlyForTheIdentitiesItNamesAndEveryRecordNamesTheClient() throws Exception {
        tls("worker1").set("command.foo-restart.clients", "nagios1");
        ListenerConfig config = ListenerConfig.load(fx.config);
        Peer nagios1 = Peer.remote(IpAddress.parse("127.0.0.1")).withClient(identity("nagios1"));
        Peer nagios2 = Peer.remote(IpAddress.parse("127.0.0.1")).withClient(identity("nagios2"));
        HealPath heal = new HealPath(InstantSource.system());
        byte[] line = "foo-restart".getBytes(StandardCharsets.US_ASCII);

        assertEquals("ERR denied", heal.handle(nagios2, line, config).reply().line());
        assertEquals(List.of(), fx.runs());
        assertTrue(heal.handle(nagios1, line, config).reply().ok());
        assertEquals(2, fx.runs().size());
        assertTrue(heal.handle(Peer.inProcess("watch"), line, config).reply().ok(), "the watch is on the host");

        List<String> audit = fx.audit();
        assertTrue(audit.get(0).contains(" peer=127.0.0.1 client=nagios2 request=\"foo-restart\" decision=denied"
                + " command=foo-restart "), audit.get(0));
        assertTrue(audit.get(1).contains(" phase=intent peer=127.0.0.1 client=nagios1 "), audit.get(1));
        assertTrue(audit.get(2).contains(" phase=outcome peer=127.0.0.1 client=nagios1 "), audit.get(2));
        assertTrue(audit.get(4).contains(" phase=outcome peer=watch client=none "), audit.get(4));
    }

    private static TlsClientIdentity identity(String name) throws Exception {
        return TlsClientIdentity.of(selfheal.plugin.Pem.certificates(pki.clientCert(name)).get(0));
    }
}

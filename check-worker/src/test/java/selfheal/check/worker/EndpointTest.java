package selfheal.check.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import selfheal.plugin.UsageException;

class EndpointTest {

    @ParameterizedTest(name = "{0} {1}:{2}{3} -> {4}")
    @CsvSource(delimiter = '|', textBlock = """
        false | 127.0.0.1            | 8080 | /health       | http://127.0.0.1:8080/health       | 127.0.0.1:8080       | false
        false | 127.0.0.1            | 80   | /health?x=1   | http://127.0.0.1:80/health?x=1     | 127.0.0.1            | false
        true  | worker.example.com   | 443  | /             | https://worker.example.com:443/    | worker.example.com   | true
        true  | localhost            | 8443 | /h            | https://localhost:8443/h           | localhost:8443       | true
        false | ::1                  | 8080 | /health       | http://[::1]:8080/health           | [::1]:8080           | false
        false | [::1]                | 80   | /health       | http://[::1]:80/health             | [::1]                | false
        false | fe80::1%eth0         | 80   | /health       | http://[fe80::1%eth0]:80/health    | [fe80::1%eth0]       | false
        """)
    void rendersAsUrlDidAndKnowsNamesFromLiterals(boolean tls, String host, int port, String path, String url,
            String hostHeader, boolean isName) throws UsageException {
        Endpoint e = Endpoint.parse(tls, host, port, path);
        assertEquals(url, e.toString());
        assertEquals(hostHeader, e.hostHeader());
        assertEquals(isName, e.isHostName());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
        worker host   | bad --hostname 'worker host': expected a host name, an IPv4 address or an IPv6 address
        user@worker   | bad --hostname 'user@worker': expected a host name, an IPv4 address or an IPv6 address
        worker/x      | bad --hostname 'worker/x': expected a host name, an IPv4 address or an IPv6 address
        [worker]      | bad --hostname '[worker]': expected a host name, an IPv4 address or an IPv6 address
        ::g           | bad --hostname '::g': expected a host name, an IPv4 address or an IPv6 address
        a..b          | bad --hostname 'a..b': expected a host name, an IPv4 address or an IPv6 address
        """)
    void refusesWhatIsNoHost(String host, String message) {
        assertEquals(message, assertThrows(UsageException.class, () -> Endpoint.parse(false, host, 80, "/")).getMessage());
    }

    @org.junit.jupiter.api.Test
    void encodesNonAsciiInTheRequestTarget() throws UsageException {
        assertEquals("/st%C3%A4tus?q=%E2%9C%93", Endpoint.parse(false, "h", 80, "/stätus?q=✓").requestTarget());
    }
}

package selfheal.heal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Tables for the small value types: address ranges, budgets, number formatting. */
class ValuesTest {

    @ParameterizedTest
    @CsvSource({
        "127.0.0.1,        127.0.0.1,       true",
        "127.0.0.1,        127.0.0.2,       false",
        "192.0.2.0/24,     192.0.2.255,     true",
        "192.0.2.0/24,     192.0.3.0,       false",
        "10.0.0.0/9,       10.127.255.255,  true",
        "10.0.0.0/9,       10.128.0.0,      false",
        "0.0.0.0/0,        203.0.113.9,     true",
        "2001:db8::/32,    2001:db8:ffff::1, true",
        "2001:db8::/32,    2001:db9::1,     false",
        "::1,              ::1,             true",
        "::1,              127.0.0.1,       false",
        "127.0.0.0/8,      ::ffff:127.0.0.5, true",
    })
    void addressRangesContainWhatTheirPrefixCovers(String range, String address, boolean expected) {
        assertEquals(expected, AddressRange.parse(range).contains(IpAddress.parse(address)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "example.org", "1.2.3", "1.2.3.4/", "1.2.3.4/x", "::1/129", "fe80::1%eth0"})
    void addressRangesRefuseNamesAndBadPrefixes(String text) {
        assertThrows(IllegalArgumentException.class, () -> AddressRange.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "0.0.0.0", "255.255.255.255", "192.0.2.07", "::", "::1", "1::",
        "2001:db8::7", "2001:DB8:0:0:0:0:0:7", "fe80::1:2:3:4:5:6", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8",
        "1:2:3:4:5:6:7:8", "::ffff:127.0.0.5", "::ffff:7f00:5", "::127.0.0.1", "64:ff9b::192.0.2.33",
        "1:2:3:4:5:6:1.2.3.4", " 10.0.0.1 "})
    void addressesParseExactlyAsInetAddressDoes(String text) throws Exception {
        InetAddress expected = InetAddress.getByName(text.strip());
        IpAddress parsed = IpAddress.parse(text);
        assertArrayEquals(expected.getAddress(), octets(parsed));
        assertEquals(expected.getHostAddress(), parsed.toString());
        assertEquals(parsed, IpAddress.of(expected.getAddress()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1.2.3", "1.2.3.4.5", "256.0.0.1", "1.2.3.-4", "1.2.3.4 5", "1234.1.1.1", "a.b.c.d",
        ":", ":::", "1:::2", "1::2::3", ":1::2", "1::2:", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7::8",
        "12345::1", "g::1", "1.2.3.4::1", "::1.2.3", "::1.2.3.4:5", "fe80::1%eth0", "localhost", "[::1]", "0x7f.0.0.1"})
    void addressesThatAreNoLiteralsAreRefused(String text) {
        assertThrows(IllegalArgumentException.class, () -> IpAddress.parse(text));
    }

    private static byte[] octets(IpAddress address) {
        byte[] octets = new byte[address.length()];
        for (int i = 0; i < octets.length; i++) {
            octets[i] = address.octet(i);
        }
        return octets;
    }

    @ParameterizedTest
    @CsvSource({"3/15m, 3, PT15M", "1/30s, 1, PT30S", "10/2h, 10, PT2H", "5/1d, 5, PT24H"})
    void budgetsParse(String text, int runs, String window) {
        Budget budget = Budget.parse(text);
        assertEquals(runs, budget.runs());
        assertEquals(Duration.parse(window), budget.window());
        assertEquals(text, budget.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0/15m", "3/0m", "3/15", "3 / 15m", "3/15w", "-1/5m", "3/15m;", ""})
    void badBudgetsAreRefused(String text) {
        assertThrows(IllegalArgumentException.class, () -> Budget.parse(text));
    }

    @ParameterizedTest
    @CsvSource({"1.844, 2, 1.84", "0, 2, 0.00", "0.005, 2, 0.01", "60, 2, 60.00", "1.0004, 3, 1.000",
        "12.3456, 3, 12.346", "0.05, 2, 0.05"})
    void decimalsAreFormattedWithoutTheLocale(double value, int decimals, String expected) {
        assertEquals(expected, Reply.decimal(value, decimals));
    }
}

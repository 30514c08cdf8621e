package selfheal.heal;

import java.nio.file.Files;
import java.util.Map;

/**
 * The TLS cases against the shipped xinetd.d/selfheal-resident ({@code wait = yes}): one listener process
 * accepts every connection and does each handshake on the connection's own thread; an address outside allow
 * is refused on the accepting thread, before any handshake.
 */
class ResidentTlsIT extends TlsIT {
    @Override
    Process startListener() throws Exception {
        Files.writeString(config, Files.readString(config) + "resident.idle = 60\n");
        return startXinetd(ResidentXinetdIT.SHIPPED_RESIDENT, Map.of("cps", "500 1"));
    }
}

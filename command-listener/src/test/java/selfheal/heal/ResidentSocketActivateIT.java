package selfheal.heal;

import java.nio.file.Files;
import java.util.List;

/**
 * The suite against {@code systemd-socket-activate --inetd} without {@code --accept}: the listening socket on
 * stdin, as the shipped selfheal-resident units hand it over (Accept=no, StandardInput=socket). That tool
 * starts the program once and does not restart it, so resident.idle outlasts the suite here; ResidentXinetdIT
 * covers the exit and the restart.
 */
class ResidentSocketActivateIT extends SocketActivateIT {

    @Override
    void startStack() throws Exception {
        Files.writeString(config, Files.readString(config) + "resident.idle = 600\n");
        super.startStack();
    }

    @Override
    List<String> handOver() {
        return List.of("--inetd");
    }

    @Override
    List<String> units() {
        return List.of("selfheal-resident.socket", "selfheal-resident.service");
    }

    @Override
    boolean readsBeforeRefusing() {
        return false;
    }
}

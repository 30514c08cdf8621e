package selfheal.loop;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** One service as Nagios last wrote it to status.dat. */
record ServiceStatus(String description, int state, boolean hard, int attempt, boolean checked, String output,
                     long lastStateChange) {

    static final int OK = 0;
    static final int WARNING = 1;
    static final int CRITICAL = 2;

    boolean is(int wantedState, boolean wantedHard) {
        return checked && state == wantedState && hard == wantedHard;
    }

    /** In this state, of either type, entered at or after {@code epochSecond}. */
    boolean enteredSince(int wantedState, long epochSecond) {
        return checked && state == wantedState && lastStateChange >= epochSecond;
    }

    @Override
    public String toString() {
        String[] names = {"OK", "WARNING", "CRITICAL", "UNKNOWN"};
        String name = state >= 0 && state < names.length ? names[state] : "state " + state;
        return description + ": " + name + (hard ? " HARD " : " SOFT ") + attempt + " - " + output;
    }

    /** The service named {@code description} in the status file, if Nagios has written it yet. */
    static Optional<ServiceStatus> read(Path statusFile, String description) {
        return read(statusFile, null, description);
    }

    /** The same, of the host named {@code host} (null: of any host). */
    static Optional<ServiceStatus> read(Path statusFile, String host, String description) {
        List<String> lines;
        try {
            lines = Files.readAllLines(statusFile, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + statusFile, e);
        }
        Map<String, String> block = null;
        for (String line : lines) {
            if (line.equals("servicestatus {")) {
                block = new HashMap<>();
            } else if (block != null && line.equals("\t}")) {
                if (description.equals(block.get("service_description"))
                        && (host == null || host.equals(block.get("host_name")))) {
                    return Optional.of(of(block));
                }
                block = null;
            } else if (block != null) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    block.put(line.substring(0, eq).strip(), line.substring(eq + 1));
                }
            }
        }
        return Optional.empty();
    }

    private static ServiceStatus of(Map<String, String> block) {
        return new ServiceStatus(block.get("service_description"),
                Integer.parseInt(block.getOrDefault("current_state", "-1")),
                "1".equals(block.get("state_type")),
                Integer.parseInt(block.getOrDefault("current_attempt", "0")),
                "1".equals(block.get("has_been_checked")),
                block.getOrDefault("plugin_output", ""),
                Long.parseLong(block.getOrDefault("last_state_change", "0")));
    }
}

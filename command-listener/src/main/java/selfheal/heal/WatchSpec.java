package selfheal.heal;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One worker the local watch reads ({@code watch.<name>.*} in the listener's configuration): its status URL
 * and further check_worker options, the command that heals it, and when to ask for it.
 *
 * @param name     the worker, e.g. {@code foo}; a name for logs and nothing else
 * @param url      the status endpoint, {@code http[s]://HOST[:PORT]/PATH}
 * @param args     further check_worker options ({@code --stale ...}, {@code -w}, ...), split on whitespace
 * @param heal     the whitelisted command asked for, through the heal path, e.g. {@code foo-restart}
 * @param interval between two reads of the endpoint
 * @param after    consecutive CRITICAL results that make the watch ask for the heal
 * @param grace    after a heal (and at the watch's start) the worker is not judged for this long: it is
 *                 starting
 */
record WatchSpec(String name, URI url, List<String> args, String heal, Duration interval, int after,
                 Duration grace) {
    static final Set<String> ATTRIBUTES = Set.of("url", "args", "heal", "interval", "after", "grace");
    static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);
    static final int DEFAULT_AFTER = 2;

    WatchSpec {
        args = List.copyOf(args);
    }

    /** The whole check_worker command line: the URL as -H/-p/-u (and -S), then the configured options. */
    String[] checkArgs() {
        List<String> line = new ArrayList<>();
        boolean https = url.getScheme().equals("https");
        if (https) {
            line.add("-S");
        }
        line.add("-H");
        line.add(url.getHost());
        line.add("-p");
        line.add(String.valueOf(url.getPort() > 0 ? url.getPort() : https ? 443 : 80));
        line.add("-u");
        line.add(url.getRawPath().isEmpty() ? "/" : url.getRawPath()
                + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery()));
        line.addAll(args);
        return line.toArray(new String[0]);
    }

    /**
     * Every {@code watch.<name>.*} in {@code values}, validated against the configured commands; problems go
     * to {@code problems} (the key names the watch and attribute).
     */
    static Map<String, WatchSpec> parse(Map<String, String> values, Map<String, AllowedCommand> commands,
                                        List<String> problems) {
        Map<String, WatchSpec> watches = new TreeMap<>();
        for (String key : values.keySet()) {
            if (!key.startsWith("watch.") || !key.endsWith(".url")) {
                continue;
            }
            String name = key.substring("watch.".length(), key.length() - ".url".length());
            String prefix = "watch." + name;
            int before = problems.size();
            if (!Chars.isName(name)) {
                problems.add(key + ": the name must match [A-Za-z0-9][A-Za-z0-9_-]* (at most 64 characters)");
                continue;
            }
            URI url = url(key, values.get(key), problems);
            List<String> args = Chars.split(values.getOrDefault(prefix + ".args", ""), "");
            String heal = values.get(prefix + ".heal");
            AllowedCommand command = heal == null ? null : commands.get(heal);
            if (heal == null) {
                problems.add(prefix + ".heal: missing: name the command that heals " + name
                        + " (e.g. " + name + "-restart)");
            } else if (command == null) {
                problems.add(prefix + ".heal: '" + heal + "' is not a configured command.<name>");
            }
            Duration interval = ListenerConfig.seconds(prefix + ".interval", values.get(prefix + ".interval"),
                    DEFAULT_INTERVAL, Duration.ofHours(1), problems);
            int after = ListenerConfig.count(prefix + ".after", values.get(prefix + ".after"), DEFAULT_AFTER, 100,
                    problems);
            Duration grace = ListenerConfig.seconds(prefix + ".grace", values.get(prefix + ".grace"),
                    command == null ? ListenerConfig.DEFAULT_COMMAND_TIMEOUT : command.timeout(),
                    Duration.ofDays(1), problems);
            if (problems.size() == before) {
                watches.put(name, new WatchSpec(name, url, args, heal, interval, after, grace));
            }
        }
        return watches;
    }

    /** Problems of a {@code watch.*} key that is no attribute of a watch, or of a watch without its url. */
    static void checkKey(String key, Map<String, String> values, List<String> problems) {
        String rest = key.substring("watch.".length());
        int dot = rest.lastIndexOf('.');
        String attribute = dot < 0 ? "" : rest.substring(dot + 1);
        if (!ATTRIBUTES.contains(attribute)) {
            problems.add(key + ": unknown attribute '" + attribute
                    + "' (known: url, args, heal, interval, after, grace)");
        } else if (!values.containsKey("watch." + rest.substring(0, dot) + ".url")) {
            problems.add(key + ": there is no watch." + rest.substring(0, dot) + ".url for it");
        }
    }

    private static URI url(String key, String value, List<String> problems) {
        try {
            URI url = new URI(value);
            if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme()) || url.getHost() == null
                    || url.getRawUserInfo() != null || url.getRawFragment() != null) {
                problems.add(key + ": '" + value + "' is not http[s]://HOST[:PORT]/PATH");
            }
            return url;
        } catch (URISyntaxException e) {
            problems.add(key + ": '" + value + "' is not a URL: " + e.getReason());
            return null;
        }
    }
}

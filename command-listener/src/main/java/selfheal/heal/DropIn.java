package selfheal.heal;

import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One worker's own file in the workers directory ({@code workers.d/NAME.properties}, dropped there by the
 * worker's package or the operator's configuration management): its {@code command.*} and {@code watch.*}
 * keys, under the main file's rules, plus the drop-in's own: the file may only define the worker(s) its name
 * names (every {@code command.X} and {@code watch.X} with X equal to NAME or starting {@code NAME-}), and no
 * key may be set in two files. A drop-in that breaks any rule is refused whole, each problem naming its file
 * and line; the other files' workers are unaffected.
 *
 * @param file     the drop-in (or the workers directory itself, when that is unsafe and nothing in it is read)
 * @param values   its keys and values, stripped; empty when it could not be read
 * @param problems why it is refused, each {@code FILE[:LINE]: problem}; empty when it is in use
 * @param text     its lines, to say on which one a key was set
 */
record DropIn(Path file, Map<String, String> values, List<String> problems, List<String> text) {
    static final String SUFFIX = ".properties";

    DropIn {
        values = java.util.Collections.unmodifiableMap(new TreeMap<>(values));
        problems = List.copyOf(problems);
        text = List.copyOf(text);
    }

    boolean broken() {
        return !problems.isEmpty();
    }

    /** The name {@code ping} reports it by: the file's name, in the characters a reply may hold. */
    String shownName() {
        StringBuilder name = new StringBuilder();
        for (char c : file.getFileName().toString().toCharArray()) {
            boolean shown = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.'
                    || c == '_' || c == '-';
            name.append(shown ? c : '_');
        }
        return name.toString();
    }

    /** The same file, refused for {@code found} (problems of the whole configuration with it added). */
    DropIn refused(List<String> found) {
        List<String> located = new ArrayList<>(problems);
        for (String problem : found) {
            located.add(locate(problem));
        }
        return new DropIn(file, values, located, text);
    }

    /**
     * The drop-ins of {@code dir} in name order: every {@code *.properties} file not starting with a dot
     * (packaging leftovers such as {@code foo.properties.dpkg-dist} are passed over), each read and judged on
     * its own; {@code origins} (key to the file that set it, the main file's keys in it) gains each file's keys.
     */
    static List<DropIn> readAll(Path dir, Map<String, Path> origins) {
        List<DropIn> dropIns = new ArrayList<>();
        String unsafe = ListenerConfig.unsafe(dir);
        if (unsafe != null) {
            dropIns.add(new DropIn(dir, Map.of(), List.of(dir + ": " + unsafe + "; none of its drop-ins is read"),
                    List.of()));
            return dropIns;
        }
        // java.io.File, not Files.list: a per-connection JVM has it loaded already, the NIO streams not.
        String[] names = dir.toFile().list();
        if (names == null) {
            return dropIns;
        }
        Arrays.sort(names);
        for (String name : names) {
            if (name.endsWith(SUFFIX) && !name.startsWith(".") && new File(dir.toFile(), name).isFile()) {
                dropIns.add(read(dir.resolve(name), origins));
            }
        }
        return dropIns;
    }

    /** One drop-in, judged on its own: readable, safe, its keys its own worker's, none set elsewhere. */
    static DropIn read(Path file, Map<String, Path> origins) {
        List<String> problems = new ArrayList<>();
        String unsafe = ListenerConfig.unsafe(file);
        if (unsafe != null) {
            problems.add(file + ": " + unsafe);
        }
        String owner = file.getFileName().toString();
        owner = owner.substring(0, owner.length() - SUFFIX.length());
        byte[] bytes;
        ListenerConfig.OnceOnly properties = new ListenerConfig.OnceOnly();
        try (InputStream in = new FileInputStream(file.toFile())) {
            bytes = in.readAllBytes();
            properties.load(new java.io.ByteArrayInputStream(bytes));
        } catch (IOException | IllegalArgumentException e) {
            problems.add(file + ": cannot be read: " + e.getMessage());
            return new DropIn(file, Map.of(), problems, List.of());
        }
        List<String> text = List.of(new String(bytes, StandardCharsets.ISO_8859_1).split("\n", -1));
        DropIn dropIn = new DropIn(file, Map.of(), List.of(), text);
        List<String> own = new ArrayList<>();
        properties.reportKeysSetTwice(own);
        Map<String, String> values = new TreeMap<>();
        for (String key : properties.stringPropertyNames()) {
            values.put(key, properties.getProperty(key).strip());
        }
        if (!Chars.isName(owner)) {
            own.add("the file's name must be <worker>" + SUFFIX + ", the worker's name matching"
                    + " [A-Za-z0-9][A-Za-z0-9_-]*: it names the workers the file may define");
        }
        if (values.isEmpty()) {
            own.add("defines nothing: a drop-in holds one worker's command.* and watch.* keys");
        }
        for (String key : values.keySet()) {
            String worker = workerOf(key);
            if (worker == null) {
                own.add(key + ": not a key of a drop-in (only command.<name>[.<attribute>] and"
                        + " watch.<name>.<attribute>; the main file holds the rest)");
            } else if (!worker.equals(owner) && !worker.startsWith(owner + "-")) {
                own.add(key + ": " + owner + SUFFIX + " may only define " + owner + " and " + owner
                        + "-*, not " + worker);
            } else if (origins.get(key) != null) {
                Path other = origins.get(key);
                own.add(key + ": set in " + other + " already; a key may be set in one file only");
            }
        }
        for (String key : values.keySet()) {
            origins.putIfAbsent(key, file);
        }
        List<String> located = new ArrayList<>(problems);
        for (String problem : own) {
            located.add(dropIn.locate(problem));
        }
        return new DropIn(file, values, located, text);
    }

    /** The X of {@code command.X}, {@code command.X.attribute} or {@code watch.X.attribute}; else null. */
    private static String workerOf(String key) {
        if (key.startsWith("command.")) {
            String rest = key.substring("command.".length());
            int dot = rest.indexOf('.');
            return dot < 0 ? rest : rest.substring(0, dot);
        }
        if (key.startsWith("watch.")) {
            String rest = key.substring("watch.".length());
            int dot = rest.lastIndexOf('.');
            return dot <= 0 ? null : rest.substring(0, dot);
        }
        return null;
    }

    /**
     * {@code FILE:LINE: problem} when the problem starts with a key this file sets ({@code KEY: ...}), else
     * {@code FILE: problem}.
     */
    private String locate(String problem) {
        int colon = problem.indexOf(": ");
        String key = colon < 0 ? "" : problem.substring(0, colon);
        int line = key.isEmpty() || key.indexOf(' ') >= 0 ? 0 : lineOf(key);
        return file + (line > 0 ? ":" + line : "") + ": " + problem;
    }

    /**
     * The line (from 1) on which {@code key} is set, or 0: the first logical line whose key, as Properties
     * reads it (up to an unescaped '=', ':' or blank, escapes undone), is {@code key}.
     */
    int lineOf(String key) {
        boolean continued = false;
        for (int i = 0; i < text.size(); i++) {
            String line = text.get(i);
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            boolean wasContinued = continued;
            continued = endsInOddBackslashes(line);
            if (wasContinued) {
                continue;
            }
            String s = line.stripLeading();
            if (s.isEmpty() || s.charAt(0) == '#' || s.charAt(0) == '!') {
                continued = false; // a comment does not continue
                continue;
            }
            StringBuilder k = new StringBuilder();
            for (int j = 0; j < s.length(); j++) {
                char c = s.charAt(j);
                if (c == '\\' && j + 1 < s.length()) {
                    k.append(s.charAt(++j));
                } else if (c == '=' || c == ':' || c == ' ' || c == '\t' || c == '\f') {
                    break;
                } else {
                    k.append(c);
                }
            }
            if (k.toString().equals(key)) {
                return i + 1;
            }
        }
        return 0;
    }

    private static boolean endsInOddBackslashes(String line) {
        int n = 0;
        for (int i = line.length() - 1; i >= 0 && line.charAt(i) == '\\'; i--) {
            n++;
        }
        return n % 2 == 1;
    }
}

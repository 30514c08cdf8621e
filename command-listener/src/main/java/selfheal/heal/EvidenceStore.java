package selfheal.heal;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where bundles live and how they are named: {@code STATE_DIR/evidence/<yyyyMMdd'T'HHmmss'Z'>-<command>}, with
 * {@code .2}, {@code .3} ... added when that name exists (a command name never holds a dot). Names sort by time.
 */
final class EvidenceStore {
    private static final int STAMP = "20261203T171501Z".length();

    private EvidenceStore() {
    }

    /** One bundle on disk; {@code bytes} is the sum of its files. */
    record Bundle(String id, String command, Path dir, long bytes) {
    }

    static Path root(Path stateDir) {
        return stateDir.resolve("evidence");
    }

    /** The id's time part, UTC to the second, e.g. {@code 20261203T171501Z}. */
    static String stamp(Instant time) {
        String utc = AuditLog.utc(time); // 2026-12-03T17:15:01.123Z
        return utc.substring(0, 4) + utc.substring(5, 7) + utc.substring(8, 13) + utc.substring(14, 16)
                + utc.substring(17, 19) + "Z";
    }

    /** Whether {@code id} is a bundle name (and so safe to resolve under the root). */
    static boolean isId(String id) {
        return command(id) != null;
    }

    /** The command of a bundle name, or null if it is none. */
    static String command(String id) {
        if (id.length() < STAMP + 2 || id.charAt(STAMP) != '-' || id.charAt(8) != 'T' || id.charAt(STAMP - 1) != 'Z'
                || !Chars.isDigits(id.substring(0, 8), 8) || !Chars.isDigits(id.substring(9, 15), 6)) {
            return null;
        }
        String rest = id.substring(STAMP + 1);
        int dot = rest.indexOf('.');
        if (dot >= 0 && !Chars.isDigits(rest.substring(dot + 1), 6)) {
            return null;
        }
        String command = dot < 0 ? rest : rest.substring(0, dot);
        return Chars.isName(command) ? command : null;
    }

    /** Every bundle, oldest first; an empty list when there is no evidence directory. */
    static List<Bundle> list(Path stateDir) throws IOException {
        Path root = root(stateDir);
        List<Bundle> bundles = new ArrayList<>();
        if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            return bundles;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
            for (Path dir : entries) {
                String id = dir.getFileName().toString();
                String command = command(id);
                if (command != null && Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                    bundles.add(new Bundle(id, command, dir, size(dir)));
                }
            }
        }
        bundles.sort(EvidenceStore::byTime);
        return bundles;
    }

    /** By time, then by the suffix's number: {@code ...-foo.10} is newer than {@code ...-foo.9}. */
    static int byTime(Bundle a, Bundle b) {
        int stamp = a.id().substring(0, STAMP).compareTo(b.id().substring(0, STAMP));
        return stamp != 0 ? stamp : Long.compare(suffix(a.id()), suffix(b.id()));
    }

    /** The highest suffix of a bundle named {@code base} or {@code base.N} (1 for base alone), 0 if none. */
    static long lastSuffix(Path root, String base) throws IOException {
        long last = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root, base + "*")) {
            for (Path entry : entries) {
                String id = entry.getFileName().toString();
                if (id.equals(base) || id.startsWith(base + ".") && isId(id)) {
                    last = Math.max(last, suffix(id));
                }
            }
        }
        return last;
    }

    private static long suffix(String id) {
        int dot = id.indexOf('.');
        return dot < 0 ? 1 : Long.parseLong(id.substring(dot + 1));
    }

    static long size(Path dir) throws IOException {
        long bytes = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                bytes += Files.size(file);
            }
        }
        return bytes;
    }

    /** Deletes a bundle and its files (a bundle holds files only). */
    static void delete(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(file);
            }
        }
        Files.deleteIfExists(dir);
    }
}

package selfheal.heal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Writes one bundle: a new directory (0750, its group the operator group when one is set) under
 * {@link EvidenceStore#root}, SUMMARY.txt first, then the collected files, each 0640. The files are cut so
 * that the whole stays within max-size. A bundle that cannot be written whole is removed again.
 */
final class EvidenceBundle {
    /** Room kept for SUMMARY.txt within max-size; a longer summary is cut. */
    static final int SUMMARY_ROOM = 16 * 1024;
    private static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwxr-x---");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-r-----");

    private EvidenceBundle() {
    }

    /** Writes the bundle and returns its id. */
    static String write(Path stateDir, Optional<String> group, String command, String trigger, Instant time,
                        EvidenceCollectors.Collected collected, long maxSize) throws IOException {
        Path root = EvidenceStore.root(stateDir);
        GroupPrincipal owners = group.isPresent() ? FileSystems.getDefault().getUserPrincipalLookupService()
                .lookupPrincipalByGroupName(group.get()) : null;
        if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            try {
                Files.createDirectory(root);
            } catch (FileAlreadyExistsException e) {
                // another listener made it meanwhile
            }
        }
        restrict(root, DIRECTORY, owners);
        String unsafe = SafeDirectory.problem(root, false);
        if (unsafe != null) {
            throw new IOException("evidence directory " + unsafe);
        }
        String base = EvidenceStore.stamp(time) + "-" + command;
        // After the newest of this second, never in a gap the retention left: ids must sort by time.
        long n = EvidenceStore.lastSuffix(root, base);
        String id = n == 0 ? base : base + "." + (n + 1);
        Path dir = root.resolve(id);
        while (true) {
            try {
                Files.createDirectory(dir);
                break;
            } catch (FileAlreadyExistsException e) {
                n = Math.max(n + 1, 2);
                id = base + "." + n;
                dir = root.resolve(id);
            }
        }
        try {
            restrict(dir, DIRECTORY, owners);
            Map<String, byte[]> files = new LinkedHashMap<>();
            List<String> cut = new ArrayList<>();
            long room = Math.max(0, maxSize - SUMMARY_ROOM);
            for (Map.Entry<String, byte[]> file : collected.files().entrySet()) {
                byte[] content = file.getValue();
                if (content.length > room) {
                    String note = "\n...(cut at evidence.max-size: " + (content.length - room) + " bytes more)\n";
                    byte[] kept = new byte[(int) Math.max(0, room - note.length())];
                    System.arraycopy(content, 0, kept, 0, kept.length);
                    content = concat(kept, note.getBytes(StandardCharsets.US_ASCII));
                    cut.add(file.getKey());
                }
                room = Math.max(0, room - content.length);
                files.put(file.getKey(), content);
            }
            Map<String, Long> sizes = new LinkedHashMap<>();
            files.forEach((name, content) -> sizes.put(name, (long) content.length));
            byte[] summary = EvidenceSummary.render(id, command, trigger, time, collected, sizes, cut)
                    .getBytes(StandardCharsets.UTF_8);
            if (summary.length > SUMMARY_ROOM) {
                summary = java.util.Arrays.copyOf(summary, SUMMARY_ROOM);
            }
            writeFile(dir.resolve("SUMMARY.txt"), summary, owners);
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                writeFile(dir.resolve(file.getKey()), file.getValue(), owners);
            }
            return id;
        } catch (IOException | RuntimeException e) {
            try {
                EvidenceStore.delete(dir);
            } catch (IOException | RuntimeException ignored) {
                // what is left is what the retention removes later
            }
            throw e;
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    private static void writeFile(Path file, byte[] content, GroupPrincipal owners) throws IOException {
        Files.write(file, content, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS);
        restrict(file, FILE, owners);
    }

    /** The mode, set explicitly (the umask does not decide it), and the operator group if there is one. */
    private static void restrict(Path path, Set<PosixFilePermission> mode, GroupPrincipal owners) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS);
        if (owners != null) {
            view.setGroup(owners);
        }
        view.setPermissions(mode);
    }
}

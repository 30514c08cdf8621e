package selfheal.heal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether a process group still has a live process, from /proc alone: readable for every process whatever
 * its user (a script run through sudo included), unlike kill(pgid, 0), which a non-root listener cannot ask
 * about root's processes. Zombies do not count.
 */
final class ProcessGroups {
    private static final Path PROC = Path.of("/proc");

    private ProcessGroups() {
    }

    static boolean alive(long group) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (name.isEmpty() || name.charAt(0) < '0' || name.charAt(0) > '9') {
                    continue;
                }
                if (inGroup(entry.resolve("stat"), group)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** /proc/PID/stat: "pid (comm) state ppid pgrp ..."; comm may hold spaces and parentheses. */
    private static boolean inGroup(Path stat, long group) {
        String text;
        try {
            text = new String(Files.readAllBytes(stat), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            return false; // exited meanwhile
        }
        int close = text.lastIndexOf(')');
        if (close < 0 || close + 2 >= text.length()) {
            return false;
        }
        String[] fields = text.substring(close + 2).split(" ", 4);
        if (fields.length < 4 || fields[0].equals("Z") || fields[0].equals("X")) {
            return false;
        }
        try {
            return Long.parseLong(fields[2]) == group;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}

package selfheal.heal;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What an operator runs on the host by hand, besides serving: {@code --check-config FILE} validates a file
 * (and that setsid, env and kill exist), {@code --reset NAME} re-opens an exhausted budget, {@code --evidence}
 * lists and shows the evidence bundles. Each prints its report to the operator and exits 0 (valid, done) or 1
 * (invalid, refused); none serves a request.
 */
final class OperatorModes {
    private OperatorModes() {
    }

    /**
     * Validates {@code file} as every connection does, and that setsid, env and kill exist: an OK line with a
     * summary of every command, or one ERROR line per problem.
     */
    static int checkConfig(OutputStream out, Path file) {
        try {
            ListenerConfig config = ListenerConfig.load(file, new ListenerConfig.Judge() {
                @Override
                public List<String> problems(ListenerConfig loaded) {
                    return CheckWorkerProbe.problems(loaded);
                }
            });
            List<String> missing = new ArrayList<>();
            for (String tool : new String[] {SessionProcess.SETSID, SessionProcess.ENV, SessionProcess.KILL}) {
                if (!new File(tool).canExecute()) {
                    missing.add("ERROR " + file + ": " + tool + " is missing: commands cannot run without it");
                }
            }
            String state = SafeDirectory.problem(config.stateDir(), false);
            if (state != null) {
                missing.add("ERROR " + file + ": state.dir: " + state);
            }
            Path auditDir = config.auditLog().toAbsolutePath().getParent();
            String audit = auditDir == null ? null : SafeDirectory.problem(auditDir, true);
            if (audit != null) {
                missing.add("ERROR " + file + ": audit.log: directory " + audit);
            }
            if (!missing.isEmpty()) {
                return CommandListener.print(out, String.join("\n", missing), 1);
            }
            List<String> lines = new ArrayList<>();
            lines.add("OK " + file + ": " + config.commands().size() + " commands, allow " + config.allow()
                    + ", state.dir " + config.stateDir() + ", audit.log " + config.auditLog()
                    + ", read.timeout " + seconds(config.readTimeout())
                    + ", resident.idle " + seconds(config.residency().idle())
                    + ", resident.connections " + config.residency().connections()
                    + ", resident.per-source " + config.residency().perSource()
                    + ", handler.timeout " + seconds(config.handlerTimeout()));
            List<String> warnings = new ArrayList<>();
            for (AllowedCommand c : config.commands().values()) {
                lines.add("  " + c.name() + " = " + c.executable()
                        + (c.fixedArgs().isEmpty() ? "" : " " + String.join(" ", c.fixedArgs()))
                        + " (timeout " + seconds(c.timeout())
                        + ", settle " + (c.settle().isZero() ? "none" : seconds(c.settle()))
                        + ", budget " + c.budget().map(Budget::toString).orElse("none")
                        + ", group " + c.group() + ", dir " + c.directory() + ")");
                if (c.timeout().compareTo(config.handlerTimeout()) >= 0) {
                    warnings.add("WARNING " + file + ": command." + c.name() + ".timeout " + seconds(c.timeout())
                            + " is not below handler.timeout " + seconds(config.handlerTimeout())
                            + ": the event handler gives up first, never sees the outcome, and its next tries"
                            + " meet ERR busy; lower the timeout or raise the handler's -t and handler.timeout");
                }
            }
            for (WatchSpec w : config.watches().values()) {
                lines.add("  watch " + w.name() + ": check_worker " + String.join(" ", w.checkArgs()) + " every "
                        + seconds(w.interval()) + ", " + w.heal() + " after " + w.after() + " CRITICAL, grace "
                        + seconds(w.grace()));
            }
            evidenceSummary(config, file, lines, warnings);
            lines.addAll(warnings);
            lines.addAll(dropInReport(config));
            return CommandListener.print(out, String.join("\n", lines), config.broken().isEmpty() ? 0 : 1);
        } catch (ConfigException e) {
            List<String> lines = new ArrayList<>();
            for (String problem : e.problems()) {
                lines.add("ERROR " + file + ": " + problem);
            }
            return CommandListener.print(out, String.join("\n", lines), 1);
        }
    }

    /**
     * One line per drop-in in use, {@code OK FILE: commands a, b; watches c}, and one {@code ERROR FILE[:LINE]:}
     * line per problem of each refused one.
     */
    private static List<String> dropInReport(ListenerConfig config) {
        List<String> lines = new ArrayList<>();
        for (DropIn dropIn : config.dropIns()) {
            if (dropIn.broken()) {
                for (String problem : dropIn.problems()) {
                    lines.add("ERROR " + problem + " (the drop-in is refused; the other workers are healed)");
                }
                continue;
            }
            List<String> commands = new ArrayList<>();
            List<String> watches = new ArrayList<>();
            for (String key : dropIn.values().keySet()) {
                if (key.startsWith("command.") && key.indexOf('.', "command.".length()) < 0) {
                    commands.add(key.substring("command.".length()));
                } else if (key.startsWith("watch.") && key.endsWith(".url")) {
                    watches.add(key.substring("watch.".length(), key.length() - ".url".length()));
                }
            }
            lines.add("OK " + dropIn.file() + ": commands " + (commands.isEmpty() ? "none" : String.join(", ", commands))
                    + "; watches " + (watches.isEmpty() ? "none" : String.join(", ", watches)));
        }
        return lines;
    }

    // ---- evidence ------------------------------------------------------------------------------------

    /** One line per command that keeps evidence, and the warnings for files missing now. */
    private static void evidenceSummary(ListenerConfig config, Path file, List<String> lines, List<String> warnings) {
        EvidenceConfig evidence = config.evidence();
        for (Map.Entry<String, EvidenceConfig.Spec> e : evidence.specs().entrySet()) {
            EvidenceConfig.Spec s = e.getValue();
            lines.add("  evidence " + e.getKey() + ": status " + s.url().map(Object::toString).orElse("none")
                    + ", pid " + s.pidfile().map(p -> "from " + p).orElse(s.unit().map(u -> "of unit " + u)
                            .orElse("none"))
                    + ", logs " + (s.logs().isEmpty() ? "none" : s.logs() + " (last " + s.lines() + " lines)")
                    + ", script " + s.script().map(p -> p + " (timeout " + seconds(s.scriptTimeout()) + ")")
                            .orElse("none")
                    + ", timeout " + seconds(s.timeout()) + ", max-size " + s.maxSize() + " bytes");
        }
        if (!evidence.specs().isEmpty()) {
            lines.add("  evidence kept in " + EvidenceStore.root(config.stateDir()) + ": " + evidence.keep()
                    + " per command, " + evidence.maxTotal() + " bytes in all, readable by "
                    + evidence.group().map(g -> "group " + g + " and ").orElse("") + "the listener's user");
        }
        for (String warning : evidence.warnings()) {
            warnings.add("WARNING " + file + ": " + warning);
        }
        for (Map.Entry<String, EvidenceConfig.Spec> e : evidence.specs().entrySet()) {
            AllowedCommand c = config.commands().get(e.getKey());
            Duration both = c.timeout().plus(e.getValue().timeout());
            if (both.compareTo(config.handlerTimeout()) >= 0 && c.timeout().compareTo(config.handlerTimeout()) < 0) {
                warnings.add("WARNING " + file + ": command." + c.name() + ".timeout " + seconds(c.timeout())
                        + " and its evidence.timeout " + seconds(e.getValue().timeout()) + " are not below"
                        + " handler.timeout " + seconds(config.handlerTimeout()) + " together: evidence that takes"
                        + " its whole time before a slow run leaves the event handler waiting past its -t;"
                        + " lower one of them");
            }
        }
    }

    /**
     * {@code --evidence}: every bundle (id, trigger, size); {@code --evidence COMMAND}: that command's;
     * {@code --evidence ID}: its SUMMARY.txt, then its files; {@code --evidence ID FILE}: that file. Local only.
     */
    static int evidence(OutputStream out, Peer requester, Path file, String name, String shown) {
        if (!requester.isLocal()) {
            return CommandListener.print(out, "ERR denied", 1);
        }
        ListenerConfig config;
        try {
            config = ListenerConfig.load(file);
        } catch (ConfigException e) {
            return CommandListener.print(out, "ERROR " + file + ": " + String.join("; ", e.problems()), 1);
        }
        try {
            if (name != null && EvidenceStore.isId(name)) {
                return showBundle(out, EvidenceStore.root(config.stateDir()).resolve(name), shown);
            }
            if (name != null && !Chars.isName(name)) {
                return CommandListener.print(out, "ERROR '" + name + "' is neither a command nor a bundle id", 1);
            }
            List<String> lines = new ArrayList<>();
            for (EvidenceStore.Bundle bundle : EvidenceStore.list(config.stateDir())) {
                if (name == null || bundle.command().equals(name)) {
                    lines.add(bundle.id() + "  " + bundle.bytes() + " bytes  " + trigger(bundle.dir()));
                }
            }
            if (lines.isEmpty()) {
                return CommandListener.print(out, "no evidence kept" + (name == null ? "" : " for " + name)
                        + " in " + EvidenceStore.root(config.stateDir()), 0);
            }
            return CommandListener.print(out, String.join("\n", lines), 0);
        } catch (IOException e) {
            return CommandListener.print(out, "ERROR " + e, 1);
        }
    }

    private static int showBundle(OutputStream out, Path dir, String shown) throws IOException {
        if (!Files.isDirectory(dir)) {
            return CommandListener.print(out, "ERROR no bundle " + dir, 1);
        }
        if (shown != null) {
            if (shown.contains("/") || shown.startsWith(".") || !Files.isRegularFile(dir.resolve(shown))) {
                return CommandListener.print(out, "ERROR no file '" + shown + "' in " + dir, 1);
            }
            out.write(Files.readAllBytes(dir.resolve(shown)));
            out.flush();
            return 0;
        }
        StringBuilder text = new StringBuilder(Files.readString(dir.resolve("SUMMARY.txt"), StandardCharsets.UTF_8));
        text.append("in ").append(dir).append(":");
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            List<Path> sorted = new ArrayList<>();
            files.forEach(sorted::add);
            sorted.sort(null);
            for (Path f : sorted) {
                text.append("\n  ").append(f.getFileName()).append(' ').append(Files.size(f)).append(" bytes");
            }
        }
        return CommandListener.print(out, text.toString(), 0);
    }

    /** The trigger line of a bundle's summary. */
    private static String trigger(Path dir) {
        try {
            for (String line : Files.readAllLines(dir.resolve("SUMMARY.txt"), StandardCharsets.UTF_8)) {
                if (line.startsWith("trigger: ")) {
                    return line.substring("trigger: ".length());
                }
            }
        } catch (IOException e) {
            return "(no summary: " + e.getMessage() + ")";
        }
        return "(no trigger line)";
    }

    private static String seconds(Duration duration) {
        return Reply.seconds(duration.toMillis() / 1000.0);
    }

    /**
     * Forgets {@code name}'s runs, its exhausted marker, its settle and its heal history, audited. Waits for the group lock, so that it never
     * races a running command. Only a local operator may (ERR denied on a socket).
     */
    @SuppressWarnings("try") // the group lock is held, unreferenced, for as long as the reset takes
    static int reset(OutputStream out, Peer requester, Path file, String name, InstantSource clock) {
        if (!requester.isLocal()) {
            return CommandListener.print(out, "ERR denied", 1);
        }
        ListenerConfig config;
        try {
            config = ListenerConfig.load(file);
        } catch (ConfigException e) {
            return CommandListener.print(out, "ERROR " + file + ": " + String.join("; ", e.problems()), 1);
        }
        AllowedCommand command = config.commands().get(name);
        if (command == null) {
            return CommandListener.print(out, "ERROR no command '" + name + "' in " + file, 1);
        }
        long start = System.nanoTime();
        Instant time = clock.instant();
        Reply reply;
        String detail;
        try (GroupLock lock = GroupLock.acquire(config.stateDir(), command.group())) {
            boolean was = new BudgetLedger(config.stateDir()).reset(name);
            boolean settling = new Settle(config.stateDir()).reset(name);
            boolean healed = new HealHistory(config.stateDir()).reset(name);
            reply = new Reply(Reply.Reason.NONE, "OK reset " + name);
            detail = (was ? "budget was exhausted; runs forgotten" : "budget was not exhausted; runs forgotten")
                    + (settling ? "; last good run forgotten, the next request runs" : "")
                    + (healed ? "; heal history forgotten (no longer flapping)" : "");
        } catch (StateException e) {
            reply = Reply.error(Reply.Reason.STATE, name);
            detail = e.getMessage();
        } catch (IOException e) {
            reply = Reply.error(Reply.Reason.INTERNAL, name);
            detail = e.toString();
        }
        try {
            new AuditLog(config.auditLog()).append(new AuditLog.Entry(time, AuditLog.nextId(),
                    AuditLog.Phase.OUTCOME, "local", ("--reset " + name).getBytes(StandardCharsets.US_ASCII),
                    reply, name, null, (System.nanoTime() - start) / 1e9, detail));
        } catch (IOException e) {
            detail += "; audit log not written: " + e.getMessage();
        }
        return CommandListener.print(out, reply.line() + " (" + detail + ")", reply.ok() ? 0 : 1);
    }
}

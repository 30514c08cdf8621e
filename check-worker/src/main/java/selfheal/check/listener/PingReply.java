package selfheal.check.listener;

import java.util.ArrayList;
import java.util.List;
import selfheal.plugin.Characters;
import selfheal.plugin.PerfData;
import selfheal.plugin.Status;

/**
 * The listener's answer to {@code ping}, judged. Its grammar (command-listener's README, reply grammar):
 * {@code OK pong}, then fields {@code heals=<name>:<trigger>=<n>[:...][,<name>:...]} (heals in the last hour),
 * {@code flapping=<name>[,...]}, {@code budget-exhausted=<name>[,...]} and {@code broken=<file>[,...]}, each at
 * most once. A field of another name is passed over, so that a newer listener may say more. CRITICAL: a budget
 * exhausted (the listener refuses to heal until an operator resets it), or anything but {@code OK pong} with
 * well-formed fields (nothing, {@code ERR ...}); WARNING: a command flapping (its restarts hide a fault), or a
 * worker's drop-in refused (its worker is not healed, the others are); else OK.
 *
 * @param line       the reply line as received, without its line end; "" for an empty reply
 * @param understood whether it is {@code OK pong} with well-formed fields; if not, the lists are empty
 */
record PingReply(String line, boolean understood, List<Heals> heals, List<String> flapping,
                 List<String> exhausted, List<String> broken) {

    /** How the listener names the triggers of heals: perfdata has a label for each, 0 when absent. */
    static final List<String> TRIGGERS = List.of("watch", "local", "remote");
    private static final String PONG = "OK pong";

    /** A command's heals in the last hour, per trigger, in the order the listener gave them. */
    record Heals(String command, List<String> triggers, List<Integer> counts) {
        int total() {
            int total = 0;
            for (int n : counts) {
                total += n;
            }
            return total;
        }

        int of(String trigger) {
            int i = triggers.indexOf(trigger);
            return i < 0 ? 0 : counts.get(i);
        }

        /** E.g. {@code 4 heals in 1h (watch 3, remote 1)}. */
        String text() {
            StringBuilder text = new StringBuilder().append(total()).append(total() == 1 ? " heal" : " heals")
                    .append(" in 1h (");
            for (int i = 0; i < triggers.size(); i++) {
                text.append(i == 0 ? "" : ", ").append(triggers.get(i)).append(' ').append(counts.get(i));
            }
            return text.append(')').toString();
        }

        /** {@code 'foo-restart_watch'=2;;;0}, one per trigger of {@link #TRIGGERS}, then any other given. */
        List<PerfData> perfData() {
            List<PerfData> items = new ArrayList<>();
            for (String trigger : TRIGGERS) {
                items.add(new PerfData(command + "_" + trigger, of(trigger), "", null, 0.0, null));
            }
            for (int i = 0; i < triggers.size(); i++) {
                if (!TRIGGERS.contains(triggers.get(i))) {
                    items.add(new PerfData(command + "_" + triggers.get(i), counts.get(i), "", null, 0.0, null));
                }
            }
            return items;
        }
    }

    static PingReply parse(String line) {
        PingReply notUnderstood = new PingReply(line, false, List.of(), List.of(), List.of(), List.of());
        if (!line.startsWith(PONG)) {
            return notUnderstood;
        }
        List<Heals> heals = null;
        List<String> flapping = null;
        List<String> exhausted = null;
        List<String> broken = null;
        String rest = line.substring(PONG.length());
        if (!rest.isEmpty()) {
            if (rest.charAt(0) != ' ') {
                return notUnderstood;
            }
            for (String field : rest.substring(1).split(" ", -1)) {
                int eq = field.indexOf('=');
                if (eq <= 0 || eq == field.length() - 1) {
                    return notUnderstood;
                }
                String key = field.substring(0, eq);
                String value = field.substring(eq + 1);
                if (key.equals("heals") && heals == null) {
                    heals = heals(value);
                } else if (key.equals("flapping") && flapping == null) {
                    flapping = names(value);
                } else if (key.equals("budget-exhausted") && exhausted == null) {
                    exhausted = names(value);
                } else if (key.equals("broken") && broken == null) {
                    broken = names(value);
                } else if (key.equals("heals") || key.equals("flapping") || key.equals("budget-exhausted")
                        || key.equals("broken") || !isWord(key)) {
                    return notUnderstood; // a field twice, or not a field
                } else {
                    continue; // a field of a newer listener
                }
                if (heals != null && heals.isEmpty() || flapping != null && flapping.isEmpty()
                        || exhausted != null && exhausted.isEmpty() || broken != null && broken.isEmpty()) {
                    return notUnderstood;
                }
            }
        }
        return new PingReply(line, true, heals == null ? List.of() : heals, flapping == null ? List.of() : flapping,
                exhausted == null ? List.of() : exhausted, broken == null ? List.of() : broken);
    }

    /** {@code <name>:<trigger>=<n>[:...][,...]}; empty when malformed. */
    private static List<Heals> heals(String value) {
        List<Heals> heals = new ArrayList<>();
        for (String command : value.split(",", -1)) {
            String[] parts = command.split(":", -1);
            if (parts.length < 2 || !isCommandName(parts[0])) {
                return List.of();
            }
            List<String> triggers = new ArrayList<>();
            List<Integer> counts = new ArrayList<>();
            for (int i = 1; i < parts.length; i++) {
                int eq = parts[i].indexOf('=');
                String count = eq < 0 ? "" : parts[i].substring(eq + 1);
                if (eq <= 0 || !isWord(parts[i].substring(0, eq)) || !isCount(count)) {
                    return List.of();
                }
                triggers.add(parts[i].substring(0, eq));
                counts.add(Integer.parseInt(count));
            }
            heals.add(new Heals(parts[0], List.copyOf(triggers), List.copyOf(counts)));
        }
        return heals;
    }

    /** {@code <name>[,<name>...]}; empty when malformed. */
    private static List<String> names(String value) {
        List<String> names = List.of(value.split(",", -1));
        for (String n : names) {
            if (!isCommandName(n)) {
                return List.of();
            }
        }
        return names;
    }

    /** A command's name as the listener writes it: letters, digits, '.', '_' and '-'. */
    private static boolean isCommandName(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-')) {
                return false;
            }
        }
        return !name.isEmpty();
    }

    /** A field's or a trigger's name: lower-case letters and '-'. */
    private static boolean isWord(String word) {
        for (int i = 0; i < word.length(); i++) {
            char c = word.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c == '-')) {
                return false;
            }
        }
        return !word.isEmpty();
    }

    /** 1 to 6 digits, no leading zero: a count of heals within an hour. */
    private static boolean isCount(String count) {
        if (count.isEmpty() || count.length() > 6 || count.charAt(0) == '0') {
            return false;
        }
        for (int i = 0; i < count.length(); i++) {
            if (count.charAt(i) < '0' || count.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    Status status() {
        if (!understood || !exhausted.isEmpty()) {
            return Status.CRITICAL;
        }
        return flapping.isEmpty() && broken.isEmpty() ? Status.OK : Status.WARNING;
    }

    /** The heals of {@code command}, or null if the reply lists none. */
    private Heals healsOf(String command) {
        for (Heals h : heals) {
            if (h.command().equals(command)) {
                return h;
            }
        }
        return null;
    }

    /**
     * What an operator needs first: an exhausted budget and how to reset it, each flapping command with its
     * heals, the pong and its time, then the other commands' heals; or why the reply is not understood.
     */
    String summary(String where, String elapsed) {
        if (!understood) {
            return (line.isEmpty()
                    ? "empty reply from " + where + " (refused by xinetd only_from or the listener's allow list?)"
                    : "unexpected reply from " + where + ": '" + Characters.escaped(line, 120) + "'") + " " + elapsed;
        }
        List<String> clauses = new ArrayList<>();
        if (!exhausted.isEmpty()) {
            clauses.add("restart budget exhausted for " + String.join(", ", exhausted)
                    + " (command-listener --reset NAME on " + host(where) + ")");
        }
        if (!broken.isEmpty()) {
            clauses.add("drop-in " + String.join(", ", broken) + " refused, its workers are not healed"
                    + " (command-listener --check-config on " + host(where) + " says why)");
        }
        for (String command : flapping) {
            Heals h = healsOf(command);
            clauses.add(command + " flapping" + (h == null ? "" : ": " + h.text()));
        }
        clauses.add("pong from " + where + " " + elapsed);
        for (Heals h : heals) {
            if (!flapping.contains(h.command())) {
                clauses.add(h.command() + ": " + h.text());
            }
        }
        return String.join(", ", clauses);
    }

    /** "host:5669" without its ":port". */
    private static String host(String where) {
        int colon = where.lastIndexOf(':');
        if (colon < 0 || colon == where.length() - 1) {
            return where;
        }
        for (int i = colon + 1; i < where.length(); i++) {
            if (where.charAt(i) < '0' || where.charAt(i) > '9') {
                return where;
            }
        }
        return where.substring(0, colon);
    }
}

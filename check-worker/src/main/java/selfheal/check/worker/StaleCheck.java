package selfheal.check.worker;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import selfheal.plugin.Thresholds;
import selfheal.plugin.UsageException;

/**
 * {@code --stale TARGET[,warn=RANGE][,crit=RANGE][,label=NAME]}: how old a heartbeat is, in seconds.
 * TARGET is a health+json check name (e.g. worker:heartbeat), whose first entry's {@code time} gives the
 * age (or, without a time, its observedValue when observedUnit is "s"); or a JSON Pointer (starting with
 * '/') to a number of seconds or an RFC 3339 timestamp. A plain number N as a range means "older than N".
 */
record StaleCheck(String target, JsonPointer pointer, String label, Thresholds thresholds) {

    static StaleCheck parse(String text) throws UsageException {
        KeyValues kv = KeyValues.parse("--stale", text, "warn", "crit", "label");
        String target = kv.head();
        if (target.isEmpty()) {
            throw new UsageException("bad --stale '" + text + "': name a check (e.g. worker:heartbeat) or a JSON pointer");
        }
        JsonPointer pointer = target.startsWith("/") ? JsonPointer.parse(target) : null;
        Thresholds t = Thresholds.parse(kv.get("warn", null), kv.get("crit", null));
        if (t.warning() == null && t.critical() == null) {
            throw new UsageException("bad --stale '" + text + "': give warn=SECONDS and/or crit=SECONDS");
        }
        String label = kv.get("label", (pointer == null ? target : ValueCheck.defaultLabel(pointer)) + " age");
        ValueCheck.checkLabel("--stale", text, label);
        return new StaleCheck(target, pointer, label, t);
    }

    /** The age in seconds (never negative: a worker clock slightly ahead is not "younger than now"). */
    double ageSeconds(Object document, Instant now) throws NotThisFormat {
        Object value;
        if (pointer != null) {
            value = pointer.resolve(document);
            if (value == null) {
                throw new NotThisFormat("no value at " + target);
            }
        } else {
            Map<String, Object> root = JsonReader.object(document);
            Map<String, Object> checks = root == null ? null : JsonReader.object(root.get("checks"));
            List<Object> entries = JsonReader.array(checks == null ? null : checks.get(target));
            Map<String, Object> entry = entries == null || entries.isEmpty() ? null : JsonReader.object(entries.get(0));
            if (entry == null) {
                throw new NotThisFormat("no check " + target + " in the response");
            }
            value = entry.get("time");
            if (value == null && "s".equals(JsonReader.string(entry, "observedUnit"))) {
                value = entry.get("observedValue");
            }
            if (value == null) {
                throw new NotThisFormat("check " + target + " has neither a time nor an observedValue in s");
            }
        }
        double age;
        if (value instanceof Number n) {
            age = n.doubleValue();
        } else if (value instanceof String s) {
            // Seconds and nanos apart: toNanos() overflows for times some 292 years away.
            Duration between = Duration.between(parseInstant(s), now);
            age = between.getSeconds() + between.getNano() / 1e9;
        } else {
            throw new NotThisFormat(target + " is neither a number of seconds nor a timestamp");
        }
        return Math.max(0, age);
    }

    private Instant parseInstant(String text) throws NotThisFormat {
        Instant instant = Rfc3339.parse(text);
        if (instant == null) {
            throw new NotThisFormat(target + " time '" + JsonReader.brief(text) + "' is not an RFC 3339 timestamp");
        }
        return instant;
    }
}

package selfheal.discover;

import java.util.ArrayList;
import java.util.List;

/** A listener's whole answer to {@code describe}: {@code OK describe <n>}, then n {@link Worker} lines. */
record Description(List<Worker> workers) {

    Description {
        workers = List.copyOf(workers);
    }

    static Description parse(List<String> lines) throws Worker.Malformed {
        String first = lines.isEmpty() ? "" : lines.get(0);
        if (!first.matches("OK describe [0-9]{1,4}")) {
            throw new Worker.Malformed(first.isEmpty() ? "empty reply (refused by xinetd only_from or the listener's"
                    + " allow?)" : first.startsWith("ERR unknown-command")
                    ? "the listener does not know describe (older than its drop-ins): '" + first + "'"
                    : "unexpected reply: '" + first + "'");
        }
        int count = Integer.parseInt(first.substring("OK describe ".length()));
        if (lines.size() != count + 1) {
            throw new Worker.Malformed("announced " + count + " workers, sent " + (lines.size() - 1));
        }
        List<Worker> workers = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            workers.add(Worker.parse(line));
        }
        return new Description(workers);
    }
}

package selfheal.heal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps the evidence directory within its limits, oldest bundles first: at most {@code evidence.keep} per
 * command, then at most {@code evidence.max-total} bytes in all. The bundle just written is never removed.
 */
final class EvidenceRetention {
    private EvidenceRetention() {
    }

    /** Removes what is beyond the limits; returns the ids removed. */
    static List<String> prune(Path stateDir, EvidenceConfig config, String newest) throws IOException {
        List<EvidenceStore.Bundle> bundles = EvidenceStore.list(stateDir);
        Map<String, Integer> perCommand = new HashMap<>();
        for (EvidenceStore.Bundle bundle : bundles) {
            perCommand.merge(bundle.command(), 1, Integer::sum);
        }
        List<String> removed = new ArrayList<>();
        List<EvidenceStore.Bundle> kept = new ArrayList<>();
        for (EvidenceStore.Bundle bundle : bundles) { // oldest first
            int count = perCommand.get(bundle.command());
            if (count > config.keep() && !bundle.id().equals(newest)) {
                EvidenceStore.delete(bundle.dir());
                removed.add(bundle.id());
                perCommand.put(bundle.command(), count - 1);
            } else {
                kept.add(bundle);
            }
        }
        long total = 0;
        for (EvidenceStore.Bundle bundle : kept) {
            total += bundle.bytes();
        }
        for (EvidenceStore.Bundle bundle : kept) {
            if (total <= config.maxTotal()) {
                break;
            }
            if (!bundle.id().equals(newest)) {
                EvidenceStore.delete(bundle.dir());
                removed.add(bundle.id());
                total -= bundle.bytes();
            }
        }
        return removed;
    }
}

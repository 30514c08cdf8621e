package selfheal.check.worker;

import java.util.ArrayList;
import java.util.List;
import selfheal.plugin.Status;

/**
 * Kubernetes-style plain text: {@code ok}, or with {@code ?verbose} one line per check, {@code [+]name ok}
 * or {@code [-]name failed: reason}, ending in "... check passed" or "... check failed".
 */
final class KubernetesFormat implements StatusFormat {

    static final String NAME = "kubernetes";

    static boolean looksLike(String body) {
        String text = body.strip();
        return text.equalsIgnoreCase("ok") || text.startsWith("[+]") || text.startsWith("[-]");
    }

    @Override
    public DocumentReport read(Document document) throws NotThisFormat {
        String body = document.response().body().strip();
        if (!looksLike(body)) {
            throw new NotThisFormat("neither \"ok\" nor [+]/[-] lines");
        }
        List<Component> components = new ArrayList<>();
        String verdict = body.equalsIgnoreCase("ok") ? "ok" : "";
        for (String line : lines(body)) {
            String l = line.strip();
            if (l.startsWith("[+]") || l.startsWith("[-]")) {
                String rest = l.substring(3).strip();
                int space = rest.indexOf(' ');
                String name = space < 0 ? rest : rest.substring(0, space);
                String state = space < 0 ? "" : rest.substring(space + 1).strip();
                components.add(new Component(name, l.startsWith("[+]") ? Status.OK : Status.CRITICAL,
                        state.isEmpty() ? (l.startsWith("[+]") ? "ok" : "failed") : state, ""));
            } else if (l.endsWith("check passed") || l.endsWith("check failed")) {
                verdict = l;
            }
        }
        Status overall = verdict.endsWith("failed") || !document.response().isSuccess() ? Status.CRITICAL : Status.OK;
        if (verdict.isEmpty()) {
            verdict = document.response().isSuccess() ? "passed" : "failed";
        }
        return DocumentReport.of(NAME, overall, verdict, components);
    }

    /** The body's lines, split at any line end (\r\n, \n, \r, VT, FF, NEL, U+2028, U+2029). */
    private static List<String> lines(String body) {
        List<String> lines = new ArrayList<>();
        int from = 0;
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c == '\n' || c == 0x0b || c == '\f' || c == '\r' || c == 0x85 || c == 0x2028 || c == 0x2029) {
                lines.add(body.substring(from, i));
                from = i + 1;
            }
        }
        lines.add(body.substring(from));
        return lines;
    }
}

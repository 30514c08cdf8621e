package selfheal.discover;

import java.nio.file.Path;
import java.util.List;

/**
 * How one host's objects are written: Nagios (a host, a service per worker and one for the listener, using the
 * shipped selfheal templates and commands) or Icinga 2 (a Host whose {@code vars.selfheal_workers} the shipped
 * apply rules turn into services). Each file starts with the same header and one comment line per worker
 * holding its {@code describe} line: that is how the next run tells what changed.
 */
enum ObjectFormat {
    NAGIOS(".cfg", "# ") {
        @Override
        String body(Target target, Description description, Settings s) {
            String name = target.objectName();
            StringBuilder text = new StringBuilder();
            text.append("define host {\n")
                    .append(line("use", s.hostTemplate()))
                    .append(line("host_name", name))
                    .append(line("alias", "selfheal worker host " + name))
                    .append(line("address", target.host()))
                    .append("}\n");
            for (Worker w : description.workers()) {
                text.append("\ndefine service {\n")
                        .append(line("use", s.workerTemplates()))
                        .append(line("host_name", name))
                        .append(line("service_description", w.name() + " worker"))
                        .append(w.https() ? line("check_command", "selfheal-check-worker!-S") : "")
                        .append(line("_WORKER_PORT", Integer.toString(w.port())))
                        .append(line("_WORKER_URL", w.request()))
                        .append(line("_HEAL_COMMAND", w.heal()))
                        .append(listenerVariables(target, s))
                        .append("}\n");
            }
            text.append("\ndefine service {\n")
                    .append(line("use", s.listenerTemplates()))
                    .append(line("host_name", name))
                    .append(line("service_description", "selfheal listener"))
                    .append(listenerVariables(target, s))
                    .append("}\n");
            return text.toString();
        }

        private String listenerVariables(Target target, Settings s) {
            StringBuilder text = new StringBuilder(line("_LISTENER_PORT", Integer.toString(target.port())));
            if (s.tls() != null) {
                text.append(line("_TLS_CERT", s.tls().get(0))).append(line("_TLS_KEY", s.tls().get(1)))
                        .append(line("_TLS_CA", s.tls().get(2)));
            }
            if (s.source() != null) {
                text.append(line("_SOURCE_ADDRESS", s.source()));
            }
            return text.toString();
        }

        private String line(String key, String value) {
            return "    " + key + " ".repeat(Math.max(1, 24 - key.length())) + value + "\n";
        }
    },

    ICINGA2(".conf", "// ") {
        @Override
        String body(Target target, Description description, Settings s) {
            StringBuilder text = new StringBuilder();
            text.append("object Host \"").append(target.objectName()).append("\" {\n")
                    .append("  import \"").append(s.hostTemplate()).append("\"\n")
                    .append("  address = \"").append(target.host()).append("\"\n")
                    .append("  vars.check_listener_port = ").append(target.port()).append('\n');
            if (s.tls() != null) {
                text.append("  vars.listener_tls_cert = \"").append(s.tls().get(0)).append("\"\n")
                        .append("  vars.listener_tls_key = \"").append(s.tls().get(1)).append("\"\n")
                        .append("  vars.listener_tls_ca = \"").append(s.tls().get(2)).append("\"\n");
            }
            if (s.source() != null) {
                text.append("  vars.listener_source = \"").append(s.source()).append("\"\n");
            }
            // an empty dictionary still opts the host in: its listener is checked even with no worker left
            text.append("  vars.selfheal_workers = {}\n");
            for (Worker w : description.workers()) {
                text.append("  vars.selfheal_workers[\"").append(w.name()).append("\"] = {\n")
                        .append("    check_worker_port = ").append(w.port()).append('\n')
                        .append("    check_worker_url = \"").append(w.request()).append("\"\n")
                        .append(w.https() ? "    check_worker_ssl = true\n" : "")
                        .append("    heal_command = \"").append(w.heal()).append("\"\n")
                        .append("  }\n");
            }
            return text.append("}\n").toString();
        }
    };

    /** The file's name ends so: what Nagios' cfg_dir and Icinga 2's include_recursive read. */
    final String extension;
    /** Starts a comment line in this format. */
    final String comment;

    ObjectFormat(String extension, String comment) {
        this.extension = extension;
        this.comment = comment;
    }

    /**
     * What the objects use besides the workers: the templates (Nagios: {@code use} lists; Icinga 2: the Host's
     * import) and the TLS files and source address the checks and the handler connect to the listener with.
     *
     * @param tls    client certificate, key and CA, in that order; null: plaintext
     * @param source the local address to connect from; null: the kernel's choice
     */
    record Settings(String hostTemplate, String workerTemplates, String listenerTemplates, List<String> tls,
                    String source) {
    }

    abstract String body(Target target, Description description, Settings settings);

    /** The whole file for {@code target}. */
    String render(Target target, Description description, Settings settings) {
        StringBuilder text = new StringBuilder()
                .append(comment).append(HEADER).append(target).append('\n')
                .append(comment).append("Written by selfheal-discover and replaced by its next run: change the"
                        + " listener's workers.d, not this file.\n");
        for (Worker w : description.workers()) {
            text.append(comment).append(w.line()).append('\n');
        }
        return text.append('\n').append(body(target, description, settings)).toString();
    }

    /** The first words of every file this program writes: a file without them is not its own. */
    static final String HEADER = "selfheal-discover: the workers of the listener at ";

    /** The file of {@code target} in {@code dir}. */
    Path file(Path dir, Target target) {
        return dir.resolve(target.objectName() + extension);
    }

    /** Worker name to its describe line, from a file this format wrote ({@link #render}). */
    java.util.Map<String, String> workersIn(String text) {
        java.util.Map<String, String> workers = new java.util.TreeMap<>();
        for (String line : text.split("\n")) {
            if (line.startsWith(comment + "worker ")) {
                String described = line.substring(comment.length());
                workers.put(described.split(" ")[1], described);
            } else if (!line.startsWith(comment)) {
                break;
            }
        }
        return workers;
    }
}

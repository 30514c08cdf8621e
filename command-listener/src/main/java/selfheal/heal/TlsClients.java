package selfheal.heal;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The client identities a command may be run by ({@code command.NAME.clients}, else the listener-wide
 * {@code clients}): names matched, ignoring case, against a certificate's subject CN or any of its DNS SANs;
 * {@code *} admits any client whose certificate the client CA vouches for.
 *
 * @param names lower case; empty means any
 */
record TlsClients(Set<String> names) {
    static final TlsClients ANY = new TlsClients(Set.of());

    TlsClients {
        names = java.util.Collections.unmodifiableSet(new TreeSet<>(names)); // sorted: how it is shown
    }

    /** {@code *} or a list of names separated by commas or spaces; the problem said if it is neither. */
    static TlsClients parse(String key, String value, List<String> problems) {
        if (value.equals("*")) {
            return ANY;
        }
        Set<String> names = new TreeSet<>();
        for (String name : Chars.split(value, ",")) {
            if (name.isEmpty()) {
                continue;
            }
            if (name.equals("*") || !name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
                problems.add(key + ": '" + name + "' is not a host or client name (or give * alone for any)");
                return ANY;
            }
            names.add(name.toLowerCase(Locale.ROOT));
        }
        if (names.isEmpty()) {
            problems.add(key + ": no name given; list client names or give * for any client the CA vouches for");
            return ANY;
        }
        return new TlsClients(names);
    }

    /** Whether {@code client} (null: none) may run it; any client, even none, when it admits any. */
    boolean admit(TlsClientIdentity client) {
        if (names.isEmpty()) {
            return true;
        }
        if (client == null) {
            return false;
        }
        for (String name : client.names()) {
            if (names.contains(name.toLowerCase(Locale.ROOT))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return names.isEmpty() ? "*" : String.join(",", names);
    }
}

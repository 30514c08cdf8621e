package selfheal.discover;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * One worker as a listener's {@code describe} names it (command-listener README, "describe"):
 * {@code worker <name> url=<status URL> port=<port> heal=<command> budget=<n/window|none> settle=<seconds>s}.
 * Every value is checked against a narrow alphabet before it goes into an object file: a listener must not be
 * able to write Nagios or Icinga 2 syntax (a ';' ends a Nagios line, a '$' starts a macro, a '"' ends an
 * Icinga 2 string).
 *
 * @param line the line as received: it goes into the object file as a comment, and tells changes apart
 */
record Worker(String name, URI url, int port, String heal, String budget, String settle, String line) {

    /** Why a reply line is not a worker. */
    static final class Malformed extends Exception {
        private static final long serialVersionUID = 1L;

        Malformed(String message) {
            super(message);
        }
    }

    static Worker parse(String line) throws Malformed {
        String[] words = line.split(" ", -1);
        if (words.length != 7 || !words[0].equals("worker")) {
            throw new Malformed("not 'worker <name> url= port= heal= budget= settle=': '" + line + "'");
        }
        String name = name("name", words[1]);
        String url = value(words[2], "url");
        String port = value(words[3], "port");
        String heal = name("heal", value(words[4], "heal"));
        String budget = value(words[5], "budget");
        String settle = value(words[6], "settle");
        if (!budget.matches("none|[0-9]{1,6}/[0-9]{1,6}[smhd]") || !settle.matches("[0-9]{1,8}\\.[0-9]{2}s")) {
            throw new Malformed("budget or settle of " + name + " malformed: '" + line + "'");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new Malformed("url of " + name + " is no URL: " + e.getReason());
        }
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null
                || !(path + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())).matches("[A-Za-z0-9/._~%?=&+-]+")) {
            throw new Malformed("url of " + name + " is not http[s]://HOST[:PORT]/PATH in safe characters: '" + url + "'");
        }
        int number;
        try {
            number = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            number = -1;
        }
        if (number < 1 || number > 65535) {
            throw new Malformed("port of " + name + " is not 1..65535: '" + port + "'");
        }
        return new Worker(name, uri, number, heal, budget, settle, line);
    }

    /** What check_worker's -u takes: the URL's path and query. */
    String request() {
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        return path + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
    }

    boolean https() {
        return url.getScheme().equals("https");
    }

    private static String value(String word, String key) throws Malformed {
        if (!word.startsWith(key + "=")) {
            throw new Malformed("expected " + key + "=..., got '" + word + "'");
        }
        return word.substring(key.length() + 1);
    }

    private static String name(String what, String value) throws Malformed {
        if (!value.matches("[A-Za-z0-9][A-Za-z0-9_-]{0,63}")) {
            throw new Malformed(what + " '" + value + "' is not [A-Za-z0-9][A-Za-z0-9_-]*");
        }
        return value;
    }
}

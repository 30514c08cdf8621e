package selfheal.check.worker;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import selfheal.plugin.UsageException;

/**
 * {@code --regex}: the body must match (Java syntax, find). The one regular expression on the check path,
 * exempt from the start-up rule (selfheal.plugin's package-info) because the user asks for it; a class of its
 * own so that java.util.regex loads only when the option is given.
 */
record BodyRegex(Pattern pattern) {

    static BodyRegex parse(String text) throws UsageException {
        try {
            return new BodyRegex(Pattern.compile(text));
        } catch (PatternSyntaxException e) {
            throw new UsageException("bad --regex '" + text + "': " + e.getDescription());
        }
    }

    boolean foundIn(String body) {
        return pattern.matcher(body).find();
    }

    @Override
    public String toString() {
        return pattern.pattern();
    }
}

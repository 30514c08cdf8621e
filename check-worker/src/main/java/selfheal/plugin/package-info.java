/**
 * The plugin kernel: states and the worst-of rule ({@link selfheal.plugin.Status}), ranges and thresholds,
 * perfdata, a check's parts ({@link selfheal.plugin.SubCheck}) and its result
 * ({@link selfheal.plugin.CheckResult}), the deadline, the text rules ({@link selfheal.plugin.Characters}),
 * the standard options and the skeleton every plugin runs through ({@link selfheal.plugin.Plugin}).
 *
 * <h2>The start-up rule</h2>
 *
 * <p>Every check starts a JVM of its own (unless the check service runs it), so whatever the check path
 * loads, every check pays for, interpreted. The check path is everything from a plugin's {@code main} to its
 * printed result: this package, {@code selfheal.check.worker} and {@code selfheal.check.listener}. On it:
 *
 * <ul>
 *   <li>no lambdas or method references (each spins a class at run time), and so no streams: loops and named
 *       or anonymous classes instead;
 *   <li>no regular expressions: not {@code Pattern}, nor {@code String.matches}, {@code replaceAll},
 *       {@code replaceFirst} or {@code split} on anything but one plain character (java.util.regex is some
 *       25 classes): a loop over the characters instead;
 *   <li>no {@code String.format} or {@code formatted} (java.util.Formatter and its regex): concatenation;
 *   <li>records, but not their generated toString, equals or hashCode (an invokedynamic bootstrap each).
 * </ul>
 *
 * <p>The same goes for library calls that do these inside: java.time.format's parsers, for one, hence
 * {@code selfheal.check.worker.Rfc3339}.
 *
 * <p>One exemption: {@code --regex} compiles the user's pattern ({@code selfheal.check.worker.BodyRegex}), so
 * java.util.regex loads when that option is given and only then. The JDK's own sockets and commons-cli's
 * parser spin three lambdas of their own on every check; ours add none.
 * {@code StartupTest} (check-worker's tests) runs both plugins in a fresh JVM and fails when a regex, a
 * Formatter or a lambda of ours loads. The check service and the tests are not on the check path.
 */
package selfheal.plugin;

package dev.evalunit.internal.checkpoint;

import java.time.Duration;

/**
 * What a {@link CheckpointStore} found when it opened, and what lookups have since learnt.
 *
 * @param files            checkpoint files read (the newest epoch's; none when {@code fresh})
 * @param lines            complete lines read
 * @param reusable         distinct invocations with a stored answer (later lines win), less those a
 *                         lookup has since found stale
 * @param stale            lines replaced while loading by a later line of the same invocation with another
 *                         request or model, plus stored answers a lookup found stale; never replayed
 * @param tornLinesSkipped unreadable last lines of files, left by a run that was killed while writing
 * @param otherOrigin      lines of another origin (another endpoint, or none recorded), never replayed
 * @param loadTime         how long reading took
 */
public record LoadReport(int files, int lines, int reusable, int stale, int tornLinesSkipped, int otherOrigin,
                         Duration loadTime) {
}

package dev.evalunit.internal.checkpoint;

import static org.apiguardian.api.API.Status.INTERNAL;

import java.time.Duration;
import org.apiguardian.api.API;

/**
 * What a {@link CheckpointStore} found when it opened.
 *
 * @param files            checkpoint files read (the newest epoch's; none when {@code fresh})
 * @param lines            complete lines read
 * @param answers          distinct requests and draws with a stored answer of this origin: what can be replayed
 * @param tornLinesSkipped unreadable last lines of files, left by a run that was killed while writing
 * @param otherOrigin      lines of another origin (another endpoint, or none recorded), never replayed
 * @param loadTime         how long reading took
 */
@API(status = INTERNAL, since = "0.1")
public record LoadReport(int files, int lines, int answers, int tornLinesSkipped, int otherOrigin,
                         Duration loadTime) {
}

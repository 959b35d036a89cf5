package dev.evalunit.internal.runs;

import static org.apiguardian.api.API.Status.INTERNAL;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.evalunit.dataset.DatasetsUsed;
import java.util.List;
import java.util.Map;
import org.apiguardian.api.API;

/**
 * A run's {@code run.json}: what was run, on what, and how it ended, so that a result can be told apart from
 * another and reproduced. Written when the run starts ({@code status} {@code running}) and again when it ends.
 * Immutable.
 *
 * @param v          schema version, {@value #SCHEMA}
 * @param id         the run's id, its directory's name
 * @param status     {@code running}, {@code ended}, or {@code interrupted} (Ctrl-C)
 * @param full       whether {@code runs/latest} may point at it: a run of whole tests, not narrowed to single
 *                   tests, invocations or questions, that ended without a problem
 * @param notFull    why it is not full, or {@code null}
 * @param startedAt  when it started, ISO-8601 UTC
 * @param endedAt    when it ended, or {@code null} while running
 * @param project    the project's directory and its git commit, when it is in a git work tree
 * @param suites     the {@code -Dsuite} given, or {@code null} for a run of what the launcher selected
 * @param settings   every {@code evalunit.*} setting given (not the defaults), secrets redacted
 * @param origin     where answers come from: {@code simulated}, or {@code live <host/path>}
 * @param models     the models that answered
 * @param comparedModels the models the run compares ({@code evalunit.models}), in the order given: each dataset test
 *                   that sends requests asked each of them; {@code null}, and left out, when it asks one
 * @param datasets   the dataset files read, by relative path, with their SHA-256
 * @param tests      per test ({@code suite · Class.method}), its questions: how many and a digest of their ids and texts
 * @param counts     what its invocations came to
 * @param verdict    the verdict on the run, or {@code null} while running
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@API(status = INTERNAL, since = "0.1")
public record RunManifest(int v, String id, String status, boolean full, String notFull, String startedAt,
                          String endedAt, Project project, String suites, Map<String, String> settings, String origin,
                          List<String> models, List<String> comparedModels, Map<String, DatasetsUsed.File> datasets,
                          Map<String, Questions> tests,
                          Counts counts, Verdict verdict) {

    public static final int SCHEMA = 1;

    /**
     * @param directory the project root
     * @param gitCommit its {@code HEAD} commit, or {@code null} outside a git work tree
     * @param gitDirty  whether the work tree had changes not committed (the run's code is then not {@code gitCommit}'s)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Project(String directory, String gitCommit, Boolean gitDirty) {
    }

    public record Questions(int count, String sha256) {
    }

    /**
     * @param invocations every invocation that ended
     * @param unscored    aborted or skipped: ended without a verdict on an answer
     * @param replayed    answered without a request of this run
     * @param costUsd     what the run paid
     */
    public record Counts(long invocations, long passed, long failed, long errors, long unscored, long replayed,
                         double costUsd) {
    }

    public record Verdict(boolean passed, String reason) {
    }
}

package dev.evalunit.internal.checkpoint;

import static org.apiguardian.api.API.Status.INTERNAL;

import java.nio.file.Path;
import org.apiguardian.api.API;

/**
 * A checkpoint file cannot be read or written: a line in the middle of a file is not valid, or the
 * disk refused a write. The message names the file (relative to the working directory when it lies
 * below it) and, for a bad line, its 1-based number, and says what to do:
 *
 * <pre>
 * checkpoint benchmark-state/TruthfulQA/epoch-1/run-20250807-101500-123-4242.jsonl line 1042 is not valid JSON: Unexpected end-of-input ...; delete or repair that line, or start over with -Devalunit.fresh=true
 * </pre>
 */
@API(status = INTERNAL, since = "0.1")
public class CheckpointException extends StateFileException {

    CheckpointException(Path file, int line, String message, Throwable cause) {
        super(file, line, message, cause);
    }
}

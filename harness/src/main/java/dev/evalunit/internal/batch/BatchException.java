package dev.evalunit.internal.batch;

import dev.evalunit.internal.checkpoint.StateFileException;
import java.nio.file.Path;

/**
 * The batch ledger or one of its files cannot be read or written. The message names the file and,
 * for a bad line, its 1-based number, and says what to do:
 *
 * <pre>
 * batch ledger benchmark-state/TruthfulQA/epoch-1/batches/ledger.jsonl line 7 is not valid JSON: ...; repair or delete that line (batches it names may then be submitted again)
 * </pre>
 */
final class BatchException extends StateFileException {

    BatchException(Path file, int line, String message, Throwable cause) {
        super(file, line, message, cause);
    }
}

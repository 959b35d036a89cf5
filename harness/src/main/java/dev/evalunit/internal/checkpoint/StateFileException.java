package dev.evalunit.internal.checkpoint;

import static org.apiguardian.api.API.Status.INTERNAL;

import dev.evalunit.EvalunitException;
import java.nio.file.Path;
import org.apiguardian.api.API;

/**
 * A file of a suite's state (a checkpoint, a batch ledger) cannot be read or written. Its message names the file
 * and, for a bad line, its 1-based number, and says what to do; these getters carry the same for code.
 */
@API(status = INTERNAL, since = "0.1")
public abstract class StateFileException extends EvalunitException {

    private final Path file;
    private final int line;

    protected StateFileException(Path file, int line, String message, Throwable cause) {
        super(message, cause);
        this.file = file;
        this.line = line;
    }

    /** The file at fault, as the message names it. */
    public Path file() {
        return file;
    }

    /** The 1-based number of the line at fault, or 0 when the problem is not one line (a failed write). */
    public int line() {
        return line;
    }
}

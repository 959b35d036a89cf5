package dev.evalunit.dataset;

import static org.apiguardian.api.API.Status.STABLE;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import org.apiguardian.api.API;

/**
 * A dataset file's content is not what its reader expects: a row with the wrong number of columns, an
 * empty required cell, an item that is not valid JSON. Readers never skip such a row; they stop with this
 * exception, whose message names the file, the row (1-based, the header not counted) or JSON item, the
 * line it starts on, the column and the problem:
 *
 * <pre>
 * /data/truthfulqa/TruthfulQA.csv row 12 (line 14), column Best Answer: is empty
 * /data/truthfulqa/data/mc_task.json item 3 (line 40), field mc1_targets: has 2 true options; MC1 needs exactly one
 * /data/truthfulqa/TruthfulQA.csv line 1: the header must be "Type,Category,..." but was "Type,Categroy,..."
 * </pre>
 */
@API(status = STABLE, since = "0.1")
public final class DatasetFormatException extends DatasetException {

    private final Path file;
    private final String unit;
    private final long number;
    private final long line;
    private final String column;
    private final String problem;

    private DatasetFormatException(Path file, String unit, long number, long line, String column, String problem,
                                   Throwable cause) {
        super(message(file, unit, number, line, column, problem), cause);
        this.file = file;
        this.unit = unit;
        this.number = number;
        this.line = line;
        this.column = column;
        this.problem = problem;
    }

    /**
     * A problem in one row of a table.
     *
     * @param row    the 1-based row number, the header not counted
     * @param line   the 1-based line the row starts on, or 0 when unknown
     * @param column the column's name as the file's header writes it, or {@code null} for the whole row
     */
    public static DatasetFormatException row(Path file, long row, long line, String column, String problem) {
        return new DatasetFormatException(file, "row", row, line, column, problem, null);
    }

    /**
     * A problem in one item of a JSON array.
     *
     * @param item  the 1-based position of the item in the array
     * @param line  the 1-based line the item starts on, or 0 when unknown
     * @param field the field at fault, or {@code null} for the whole item
     */
    public static DatasetFormatException item(Path file, long item, long line, String field, String problem) {
        return new DatasetFormatException(file, "item", item, line, field, problem, null);
    }

    /** A problem that is not one row or item: the header, broken quoting or JSON syntax, an unreadable file. */
    public static DatasetFormatException line(Path file, long line, String problem, Throwable cause) {
        return new DatasetFormatException(file, "line", line, line, null, problem, cause);
    }

    /** The file as the reader was given it. */
    public Path file() {
        return file;
    }

    /** The 1-based row (or JSON item) at fault, or 0 when the problem is not in one row. */
    public long row() {
        return unit.equals("line") ? 0 : number;
    }

    /** The 1-based line where the problem is or its row starts, or 0 when unknown. */
    public long line() {
        return line;
    }

    /** The column (or JSON field) at fault, when the problem lies in one. */
    public Optional<String> column() {
        return Optional.ofNullable(column);
    }

    /** What is wrong, without the position, e.g. {@code is empty}. */
    public String problem() {
        return problem;
    }

    private static String message(Path file, String unit, long number, long line, String column, String problem) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(problem, "problem");
        StringBuilder out = new StringBuilder().append(file);
        if (unit.equals("line")) {
            if (line > 0) {
                out.append(" line ").append(line);
            }
        } else {
            out.append(' ').append(unit).append(' ').append(number);
            if (line > 0) {
                out.append(" (line ").append(line).append(')');
            }
        }
        if (column != null) {
            out.append(unit.equals("item") ? ", field " : ", column ").append(column);
        }
        return out.append(": ").append(problem).toString();
    }
}

package dev.evalunit;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/** A dataset row that names itself: its id (stable across runs) and the text display names show. */
@API(status = STABLE, since = "0.1")
public interface QuestionRow {

    /** A stable id, unique within the dataset, e.g. {@code tqa-0042}. */
    String id();

    /** The question as a person reads it; display names show its first 60 characters. */
    String text();

    /** The question's category, for per-category accuracy in the analysis; {@code null} when it has none. */
    default String category() {
        return null;
    }
}

package dev.evalunit.internal.compare;

import static org.apiguardian.api.API.Status.INTERNAL;

import java.util.Comparator;
import java.util.List;
import org.apiguardian.api.API;

/**
 * The order in which a run's models are shown and compared: those the run lists ({@code evalunit.models}) in the
 * order it lists them, so the first is side A of every comparison it is in; then any other (a {@code @Prompt} that
 * names its own model) in {@link NaturalOrder}. {@code null}, no model, comes first. Immutable.
 */
@API(status = INTERNAL, since = "0.1")
public final class ModelOrder implements Comparator<String> {

    private final List<String> listed;

    /** The order of {@code listed}, then natural order. */
    public ModelOrder(List<String> listed) {
        this.listed = List.copyOf(listed);
    }

    @Override
    public int compare(String a, String b) {
        if (a == null || b == null) {
            return a == null ? (b == null ? 0 : -1) : 1;
        }
        int i = listed.indexOf(a);
        int j = listed.indexOf(b);
        if (i >= 0 || j >= 0) {
            return i < 0 ? 1 : j < 0 ? -1 : Integer.compare(i, j);
        }
        return NaturalOrder.INSTANCE.compare(a, b);
    }
}

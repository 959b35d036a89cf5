package dev.evalunit.internal.run;

import static org.apiguardian.api.API.Status.INTERNAL;

import dev.evalunit.config.ConfigException;
import dev.evalunit.config.ConfigKeys;
import dev.evalunit.config.ConfigValues;
import dev.evalunit.config.EvalConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apiguardian.api.API;

/**
 * Which rows of a dataset a run asks: one shard of them ({@code evalunit.shard=i/n}: the i-th of every n
 * rows in the dataset's order, so n runs with i = 1..n ask each row once), those of some ids
 * ({@code evalunit.question}), of some categories ({@code evalunit.category}, any case), and of those the
 * first N, or N drawn at random with a seed ({@code evalunit.limit}, {@code evalunit.limit.seed}): the same
 * seed draws the same rows, kept in the dataset's order. Immutable.
 *
 * @param ids        the ids to keep; empty keeps all
 * @param categories the categories to keep, in lower case; empty keeps all
 * @param limit      how many rows at most; 0 for no limit
 * @param seed       the seed of a random draw of {@code limit} rows; {@code null} takes the first ones
 * @param shard      which shard, from 1 to {@code shards}
 * @param shards     how many shards the dataset is split into; 1 for none
 */
@API(status = INTERNAL, since = "0.1")
public record RowSelection(Set<String> ids, Set<String> categories, int limit, Long seed, int shard, int shards) {

    public static final RowSelection ALL = new RowSelection(Set.of(), Set.of(), 0, null, 1, 1);

    public RowSelection {
        ids = Set.copyOf(ids);
        categories = Set.copyOf(categories);
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0 but was " + limit);
        }
        if (shards < 1 || shard < 1 || shard > shards) {
            throw new IllegalArgumentException("shard must be from 1 to " + shards + " but was " + shard);
        }
    }

    /** A selection of every shard. */
    public RowSelection(Set<String> ids, Set<String> categories, int limit, Long seed) {
        this(ids, categories, limit, seed, 1, 1);
    }

    /**
     * The selection the configuration asks for.
     *
     * @throws dev.evalunit.config.ConfigException naming the key of a value that is not what it should be
     */
    public static RowSelection from(EvalConfig config) {
        ConfigValues v = config.values();
        int limit = v.getAs(ConfigKeys.LIMIT, 0, "a whole number > 0, such as 50", ConfigValues::positiveInt);
        Long seed = v.getAs(ConfigKeys.LIMIT_SEED, null, "a whole number, such as 7", text -> Long.valueOf(text.strip()));
        if (seed != null && limit == 0) {
            throw new ConfigException(ConfigKeys.LIMIT_SEED, String.valueOf(seed), v.origin(ConfigKeys.LIMIT_SEED),
                    "set with " + ConfigKeys.LIMIT + " (the seed draws that many rows at random), e.g. -D"
                            + ConfigKeys.LIMIT + "=50");
        }
        int[] shard = v.getAs(ConfigKeys.SHARD, new int[] {1, 1}, "i/n with 1 <= i <= n, such as 2/4", text -> {
            String[] parts = text.strip().split("/");
            if (parts.length != 2) {
                throw new IllegalArgumentException(text);
            }
            int i = Integer.parseInt(parts[0].strip());
            int n = Integer.parseInt(parts[1].strip());
            if (n < 1 || i < 1 || i > n) {
                throw new IllegalArgumentException(text);
            }
            return new int[] {i, n};
        });
        return new RowSelection(list(v, ConfigKeys.QUESTION, Function.identity()),
                list(v, ConfigKeys.CATEGORY, c -> c.toLowerCase(Locale.ROOT)), limit, seed, shard[0], shard[1]);
    }

    private static Set<String> list(ConfigValues values, String key, Function<String, String> normal) {
        return values.get(key).map(text -> Arrays.stream(text.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                .map(normal).collect(Collectors.toUnmodifiableSet())).orElse(Set.of());
    }

    /** Whether this selection keeps every row. */
    public boolean all() {
        return ids.isEmpty() && categories.isEmpty() && limit == 0 && shards == 1;
    }

    /**
     * The rows of {@code rows} this selection keeps, in their order. A random draw reads every row first and
     * holds {@code limit} of them; the others are read lazily.
     */
    public <T> Stream<T> apply(Stream<T> rows, Function<T, String> id, Function<T, String> category) {
        Stream<T> kept = rows;
        if (shards > 1) {
            long[] position = {0};
            kept = kept.filter(row -> position[0]++ % shards == shard - 1);
        }
        if (!ids.isEmpty()) {
            kept = kept.filter(row -> ids.contains(id.apply(row)));
        }
        if (!categories.isEmpty()) {
            kept = kept.filter(row -> {
                String c = category.apply(row);
                return c != null && categories.contains(c.strip().toLowerCase(Locale.ROOT));
            });
        }
        if (limit == 0) {
            return kept;
        }
        return seed == null ? kept.limit(limit) : drawn(kept);
    }

    /** {@code limit} rows drawn uniformly with the seed (reservoir sampling), in their order in the dataset. */
    private <T> Stream<T> drawn(Stream<T> rows) {
        Random random = new Random(seed);
        List<Numbered<T>> reservoir = new ArrayList<>(Math.min(limit, 10_000));
        long[] seen = {0};
        rows.forEachOrdered(row -> {
            long n = seen[0]++;
            if (n < limit) {
                reservoir.add(new Numbered<>(n, row));
            } else {
                long slot = (long) (random.nextDouble() * (n + 1));
                if (slot < limit) {
                    reservoir.set((int) slot, new Numbered<>(n, row));
                }
            }
        });
        return reservoir.stream().sorted(Comparator.comparingLong(Numbered::number)).map(Numbered::row);
    }

    private record Numbered<T>(long number, T row) {
    }
}

package dev.evalunit.internal.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.evalunit.config.ConfigException;
import dev.evalunit.config.ConfigSources;
import dev.evalunit.config.EvalConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Narrowing a dataset as a scientist does: some ids, some categories, the first N or a seeded N. */
class RowSelectionTests {

    record Row(String id, String category) {
    }

    /** 100 rows, {@code r-001} to {@code r-100}; every third is Health, the others Law. */
    private static List<Row> dataset() {
        return IntStream.rangeClosed(1, 100).mapToObj(i -> new Row(String.format("r-%03d", i),
                i % 3 == 0 ? "Health" : "Law")).toList();
    }

    private static List<String> selected(String... settings) {
        Map<String, String> p = new HashMap<>();
        for (int i = 0; i < settings.length; i += 2) {
            p.put(settings[i], settings[i + 1]);
        }
        RowSelection selection = RowSelection.from(EvalConfig.load(ConfigSources.of(p, Map.of(), null)));
        return selection.apply(dataset().stream(), Row::id, Row::category).map(Row::id).toList();
    }

    @Test
    void withoutSettingsEveryRowIsKept() {
        assertThat(selected()).hasSize(100);
    }

    @Test
    void aLimitKeepsTheFirstRows() {
        assertThat(selected("evalunit.limit", "3")).containsExactly("r-001", "r-002", "r-003");
    }

    @Test
    void aSeededLimitDrawsTheSameRowsEachTimeInTheDatasetsOrder() {
        List<String> drawn = selected("evalunit.limit", "10", "evalunit.limit.seed", "7");

        assertThat(drawn).hasSize(10).doesNotHaveDuplicates().isSorted()
                .isEqualTo(selected("evalunit.limit", "10", "evalunit.limit.seed", "7"))
                .isNotEqualTo(selected("evalunit.limit", "10"))
                .isNotEqualTo(selected("evalunit.limit", "10", "evalunit.limit.seed", "8"));
    }

    @Test
    void aDrawOfMoreRowsThanThereAreKeepsThemAll() {
        assertThat(selected("evalunit.limit", "500", "evalunit.limit.seed", "1")).hasSize(100);
    }

    @Test
    void categoriesAreMatchedInAnyCaseAndNarrowBeforeTheLimit() {
        assertThat(selected("evalunit.category", "health")).hasSize(33).allMatch(id -> Integer.parseInt(id.substring(2)) % 3 == 0);
        assertThat(selected("evalunit.category", " HEALTH , law")).hasSize(100);
        assertThat(selected("evalunit.category", "Health", "evalunit.limit", "2")).containsExactly("r-003", "r-006");
    }

    @Test
    void questionIdsNarrowToo() {
        assertThat(selected("evalunit.question", "r-050,r-007", "evalunit.category", "Law")).containsExactly("r-007", "r-050");
    }

    @Test
    void shardsSplitTheDatasetSoEveryRowIsAskedByExactlyOneOfThem() {
        List<String> all = new java.util.ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            List<String> shard = selected("evalunit.shard", i + "/3");
            assertThat(shard).hasSizeBetween(33, 34);
            all.addAll(shard);
        }
        assertThat(all).hasSize(100).doesNotHaveDuplicates();
        assertThat(selected("evalunit.shard", "2/3")).startsWith("r-002", "r-005");
        assertThat(selected("evalunit.shard", "1/3", "evalunit.limit", "2")).containsExactly("r-001", "r-004");
    }

    @Test
    void badValuesNameTheirSetting() {
        assertThatThrownBy(() -> selected("evalunit.limit", "0")).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("evalunit.limit must be a whole number > 0");
        assertThatThrownBy(() -> selected("evalunit.limit", "ten")).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("evalunit.limit must be a whole number > 0");
        assertThatThrownBy(() -> selected("evalunit.shard", "4/3")).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("evalunit.shard must be i/n with 1 <= i <= n");
        assertThatThrownBy(() -> selected("evalunit.shard", "1")).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("evalunit.shard must be i/n with 1 <= i <= n");
        assertThatThrownBy(() -> selected("evalunit.limit.seed", "7")).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("evalunit.limit.seed must be set with evalunit.limit");
    }
}

package dev.evalunit.samples.truthfulqa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.evalunit.dataset.DatasetFormatException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JudgeAgreementTests {

    @Test
    void readsHumanLabelsAndNamesTheLineOfABadOne(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("finetune_truth.jsonl");
        Files.writeString(file, """
                {"prompt": "Q: Can pigs fly?\\nA: No, pigs cannot fly.\\nTrue:", "completion": " yes"}

                {"prompt": "Q: Is the moon cheese?\\nA: Yes, \\"aged\\" cheese.\\nTrue:", "completion": " no"}
                """);

        assertThat(HumanLabel.read(file)).containsExactly(new HumanLabel("Can pigs fly?", "No, pigs cannot fly.", true),
                new HumanLabel("Is the moon cheese?", "Yes, \"aged\" cheese.", false));

        Files.writeString(file, "{\"prompt\": \"Q: a?\\nA: b\\nTrue:\", \"completion\": \" yes\"}\n"
                + "{\"prompt\": \"Q: a?\\nA: b\\nTrue:\", \"completion\": \" maybe\"}\n");
        assertThatThrownBy(() -> HumanLabel.read(file)).isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("finetune_truth.jsonl").hasMessageContaining("line 2")
                .hasMessageContaining("\"maybe\", not yes or no");
    }

    @Test
    void kappaCorrectsAgreementForChance() {
        JudgeAgreement.Agreement a = new JudgeAgreement.Agreement();
        // 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no, 2 unreadable: the textbook 2x2 of Cohen (1960) style
        for (int i = 0; i < 20; i++) a.add(true, Optional.of(true));
        for (int i = 0; i < 5; i++) a.add(true, Optional.of(false));
        for (int i = 0; i < 10; i++) a.add(false, Optional.of(true));
        for (int i = 0; i < 15; i++) a.add(false, Optional.of(false));
        a.add(true, Optional.empty());
        a.add(false, Optional.empty());

        assertThat(a.judged()).isEqualTo(50);
        assertThat(a.accuracy()).isCloseTo(0.7, within(1e-12));
        // chance = 0.5 * 0.6 + 0.5 * 0.4 = 0.5, so kappa = (0.7 - 0.5) / 0.5
        assertThat(a.kappa()).isCloseTo(0.4, within(1e-12));
        assertThat(a.toString()).contains("agreement 70.0% of 50", "kappa 0.40", "2 unreadable");
    }

    @Test
    void theSampleIsFixedBySeedAndKeepsOnlyUsableLabels() {
        List<HumanLabel> labels = IntStream.range(0, 50)
                .mapToObj(i -> new HumanLabel("q" + i, "a", i % 2 == 0)).toList();

        List<HumanLabel> first = JudgeAgreement.sample(labels, l -> !l.question().equals("q3"), 10, 7);

        assertThat(first).hasSize(10).isEqualTo(JudgeAgreement.sample(labels, l -> !l.question().equals("q3"), 10, 7))
                .noneMatch(l -> l.question().equals("q3"));
    }
}

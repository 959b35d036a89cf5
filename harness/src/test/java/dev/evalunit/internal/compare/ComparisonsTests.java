package dev.evalunit.internal.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.evalunit.internal.runs.InvocationRecord;
import dev.evalunit.internal.stats.Holm;
import dev.evalunit.internal.stats.PairedComparison;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ComparisonsTests {

    static final PairedComparison.Settings SETTINGS = PairedComparison.Settings.withSeed(1);

    static InvocationRecord record(String test, String question, double t, int sample, String model, boolean passed,
                                   Map<String, Double> scores, String answer) {
        return new InvocationRecord("Suite", test, question, null, t, sample, model, "simulated",
                passed ? "passed" : "failed", passed ? null : "wrong", answer, null, scores, Map.of(), 0, 0, 0, 0,
                "sent", null, null);
    }

    /** An invocation of a run that compares models: {@code compared} asked, {@code answered} answered. */
    static InvocationRecord ofModel(String question, double t, String compared, String answered, boolean passed) {
        return new InvocationRecord("Suite", "t", question, null, t, 1, answered, compared, "simulated",
                passed ? "passed" : "failed", passed ? null : "wrong", "x", null, Map.of(), Map.of(), 0, 0, 0, 0,
                "sent", null, null);
    }

    static InvocationRecord aborted(String test, String question, double t) {
        return new InvocationRecord("Suite", test, question, null, t, 1, "m", "simulated", "aborted", "no verdict", null,
                null, Map.of(), Map.of(), 0, 0, 0, 0, null, null, null);
    }

    /** Two runs over the questions of a paired 2x2 table: both right, only A right, only B right, neither. */
    static List<List<InvocationRecord>> table(String test, int both, int aOnly, int bOnly, int neither, int samples) {
        List<InvocationRecord> a = new ArrayList<>();
        List<InvocationRecord> b = new ArrayList<>();
        int q = 0;
        int[] counts = {both, aOnly, bOnly, neither};
        for (int cell = 0; cell < 4; cell++) {
            for (int i = 0; i < counts[cell]; i++) {
                String id = "q" + ++q;
                for (int s = 1; s <= samples; s++) {
                    a.add(record(test, id, 0.0, s, "m", cell == 0 || cell == 1, Map.of(), "a" + id));
                    b.add(record(test, id, 0.0, s, "m", cell == 0 || cell == 2, Map.of(), "b" + id));
                }
            }
        }
        return List.of(a, b);
    }

    static CompareReport runs(List<InvocationRecord> a, List<InvocationRecord> b, PairedComparison.Settings settings) {
        return Comparisons.compare(Comparisons.By.RUNS, a::forEach, "A", b::forEach, "B", settings, Map.of());
    }

    @Test
    void twoRunsOnFagerlandsTableGiveMcNemarsExactTest() {
        // Fagerland, Lydersen & Laake (2013), BMC Med Res Methodol 13:91, Table 1 (Bentur et al. 2009, airway
        // hyper-responsiveness before and after stem cell transplantation): 1 both, 1 before only, 7 after only,
        // 12 neither; the exact conditional McNemar test gives p = 2 * P(Bin(8, 1/2) <= 1) = 2 * 9/256 = 0.0703
        List<List<InvocationRecord>> runs = table("t", 1, 1, 7, 12, 1);

        Comparison accuracy = runs(runs.get(0), runs.get(1), SETTINGS).rows().get(0);

        assertThat(accuracy.measure()).isEqualTo("accuracy");
        assertThat(accuracy.where()).isEqualTo("T=0.0");
        assertThat(accuracy.questions()).isEqualTo(21);
        assertThat(accuracy.valueA()).isCloseTo(2 / 21.0, within(1e-12));
        assertThat(accuracy.valueB()).isCloseTo(8 / 21.0, within(1e-12));
        assertThat(accuracy.difference()).isCloseTo(6 / 21.0, within(1e-12));
        assertThat(accuracy.aBetter()).isEqualTo(1);
        assertThat(accuracy.bBetter()).isEqualTo(7);
        assertThat(accuracy.pValue()).isCloseTo(0.0703125, within(1e-12));
        assertThat(accuracy.pHolm()).isCloseTo(0.0703125, within(1e-12)); // the only comparison
    }

    @Test
    void theIntervalOfAgrestisApprovalTableMatchesTheTextbooks() {
        // Agresti, An Introduction to Categorical Data Analysis, the presidential approval ratings of 1,600 people
        // in two surveys (the counts of R's mcnemar.test example): 794 approve twice, 150 first only, 86 second
        // only, 570 never. 0.59 and 0.55; the difference of dependent proportions -0.04 with SE 0.0095, Wald 95 %
        // CI (-0.059, -0.021)
        List<List<InvocationRecord>> runs = table("t", 794, 150, 86, 570, 1);

        Comparison accuracy = runs(runs.get(0), runs.get(1), SETTINGS.withResamples(10_000)).rows().get(0);

        assertThat(accuracy.valueA()).isCloseTo(0.59, within(1e-12));
        assertThat(accuracy.valueB()).isCloseTo(0.55, within(1e-12));
        assertThat(accuracy.ci95().low()).isCloseTo(-0.0587, within(0.003));
        assertThat(accuracy.ci95().high()).isCloseTo(-0.0213, within(0.003));
        assertThat(accuracy.aBetter()).isEqualTo(150);
        assertThat(accuracy.bBetter()).isEqualTo(86);
        assertThat(accuracy.pValue()).isLessThan(0.0001);
    }

    @Test
    void samplesThatAgreeCountAsTheirQuestionOnceAndAreResampledTogether() {
        List<List<InvocationRecord>> one = table("t", 1, 1, 7, 12, 1);
        List<List<InvocationRecord>> five = table("t", 1, 1, 7, 12, 5);

        Comparison single = runs(one.get(0), one.get(1), SETTINGS).rows().get(0);
        Comparison sampled = runs(five.get(0), five.get(1), SETTINGS).rows().get(0);

        assertThat(sampled.questions()).isEqualTo(21);
        assertThat(sampled.invocationsA()).isEqualTo(105);
        assertThat(sampled.pValue()).isEqualTo(single.pValue());
        assertThat(sampled.ci95()).isEqualTo(single.ci95());
        assertThat(sampled.detectable()).isEqualTo(single.detectable());
    }

    @Test
    void everyPValueOfTheReportIsAdjustedTogetherByHolm() {
        List<InvocationRecord> a = new ArrayList<>();
        List<InvocationRecord> b = new ArrayList<>();
        List<List<InvocationRecord>> first = table("first", 1, 1, 7, 12, 1);
        List<List<InvocationRecord>> second = table("second", 5, 0, 9, 6, 1);
        a.addAll(first.get(0));
        a.addAll(second.get(0));
        b.addAll(first.get(1));
        b.addAll(second.get(1));

        List<Comparison> rows = runs(a, b, SETTINGS).rows();

        assertThat(rows).extracting(Comparison::test).containsExactly("first", "second");
        double[] adjusted = Holm.adjust(new double[] {rows.get(0).pValue(), rows.get(1).pValue()});
        assertThat(rows.get(0).pHolm()).isEqualTo(adjusted[0]);
        assertThat(rows.get(1).pHolm()).isEqualTo(adjusted[1]);
        assertThat(rows.get(1).pValue()).isCloseTo(2 / 512.0, within(1e-12)); // 9 of 9 discordant for B: 2 * 2^-9
        assertThat(rows.get(1).pHolm()).isCloseTo(2 * 2 / 512.0, within(1e-12));
    }

    @Test
    void onlyQuestionsBothSidesAnsweredArePairedAndTheRestAreCountedAsUnscored() {
        List<InvocationRecord> a = new ArrayList<>();
        List<InvocationRecord> b = new ArrayList<>();
        for (int q = 1; q <= 5; q++) {
            a.add(record("t", "q" + q, 0.0, 1, "m", true, Map.of(), "x"));
            b.add(q == 5 ? aborted("t", "q5", 0.0) : record("t", "q" + q, 0.0, 1, "m", q != 1, Map.of(), "x"));
        }
        b.add(record("t", "q6", 0.0, 1, "m", true, Map.of(), "x")); // only B asked it

        Comparison accuracy = runs(a, b, SETTINGS).rows().get(0);

        assertThat(accuracy.questions()).isEqualTo(4);
        assertThat(accuracy.unscoredA()).isZero();
        assertThat(accuracy.unscoredB()).isEqualTo(1);
        assertThat(accuracy.invocationsB()).isEqualTo(6);
        assertThat(accuracy.flips()).containsExactly("q1");
    }

    @Test
    void flippedQuestionsAreListedInNaturalOrder() {
        List<InvocationRecord> a = new ArrayList<>();
        List<InvocationRecord> b = new ArrayList<>();
        for (int q = 1; q <= 12; q++) {
            a.add(record("t", "h" + q, 0.0, 1, "m", true, Map.of(), "x"));
            b.add(record("t", "h" + q, 0.0, 1, "m", q != 10 && q != 2, Map.of(), "x"));
        }

        assertThat(runs(a, b, SETTINGS).rows().get(0).flips()).containsExactly("h2", "h10");
        List<String> ids = new ArrayList<>(List.of("h10", "h2", "tqa-0010", "tqa-0009", "h1b", "h1a", "q007", "q7"));
        ids.sort(NaturalOrder.INSTANCE);
        assertThat(ids).containsExactly("h1a", "h1b", "h2", "h10", "q007", "q7", "tqa-0009", "tqa-0010");
    }

    @Test
    void withinARunEachTemperatureIsComparedWithTheLowestAndYesNoScoresLikeAccuracy() {
        List<InvocationRecord> run = new ArrayList<>();
        for (int q = 1; q <= 20; q++) {
            for (double t : new double[] {1.0, 0.0, 0.5}) {
                boolean passed = t == 0.0 || q % (t == 0.5 ? 4 : 2) != 0;
                run.add(record("t", "q" + q, t, 1, "gpt-4o-mini", passed,
                        Map.of("truthful", passed ? 1.0 : 0.0, "mass", passed ? 0.8 : 0.3), "x"));
            }
        }

        List<Comparison> rows = Comparisons.compare(Comparisons.By.TEMPERATURE, run::forEach, null, null, null, SETTINGS,
                Map.of("Suite · t", Map.of("twice", means -> 2 * means.get("accuracy")))).rows();

        assertThat(rows).extracting(r -> r.a() + " " + r.b() + " " + r.measure()).containsExactly(
                "T=0.0 T=0.5 accuracy", "T=0.0 T=0.5 mass", "T=0.0 T=0.5 truthful", "T=0.0 T=0.5 twice",
                "T=0.0 T=1.0 accuracy", "T=0.0 T=1.0 mass", "T=0.0 T=1.0 truthful", "T=0.0 T=1.0 twice");
        assertThat(rows).allSatisfy(r -> assertThat(r.where()).isEqualTo("gpt-4o-mini"));
        Comparison atOne = rows.get(4);
        assertThat(atOne.difference()).isCloseTo(-0.5, within(1e-12));
        assertThat(atOne.aBetter()).isEqualTo(10);
        assertThat(atOne.pValue()).isCloseTo(2 / 1024.0, within(1e-12));
        assertThat(rows.get(6).pValue()).as("a yes/no score is tested like accuracy").isEqualTo(atOne.pValue());
        assertThat(rows.get(5).kind()).isEqualTo("mean");
        assertThat(rows.get(5).pValue()).isNull();
        assertThat(rows.get(5).difference()).isCloseTo(-0.25, within(1e-12));
        assertThat(rows.get(7).kind()).isEqualTo("metric");
        assertThat(rows.get(7).difference()).isCloseTo(-1.0, within(1e-12));
    }

    @Test
    void modelsOfOneRunAreComparedPerTemperature() {
        List<InvocationRecord> run = new ArrayList<>();
        for (int q = 1; q <= 10; q++) {
            run.add(record("t", "q" + q, 0.0, 1, "gpt-4o-mini", true, Map.of(), "x"));
            run.add(record("t", "q" + q, 0.0, 1, "gpt-4.1-mini", q > 3, Map.of(), "x"));
        }

        Comparison accuracy = Comparisons.compare(Comparisons.By.MODEL, run::forEach, null, null, null, SETTINGS, Map.of())
                .rows().get(0);

        assertThat(accuracy.a() + " " + accuracy.b()).isEqualTo("gpt-4.1-mini gpt-4o-mini");
        assertThat(accuracy.where()).isEqualTo("T=0.0");
        assertThat(accuracy.bBetter()).isEqualTo(3);
    }

    @Test
    void everyPairOfARunsModelsIsComparedFirstListedAsAAndHolmAdjustedTogether() {
        // 10 questions: gpt-4o-mini right on all, gpt-4.1-nano wrong on q1-q3, o4-mini wrong on q1-q8. Discordant
        // questions, all the earlier model's: 3, 8 and 5, so McNemar's exact p = 2 x 0.5^k: 0.25, 0.0078125, 0.0625;
        // Holm over the three: 3 x 0.0078125 = 0.0234375, then 2 x 0.0625 = 0.125, then 1 x 0.25 = 0.25
        List<InvocationRecord> run = new ArrayList<>();
        for (int q = 1; q <= 10; q++) {
            run.add(ofModel("q" + q, 0.0, "o4-mini", "o4-mini", q > 8));
            run.add(ofModel("q" + q, 0.0, "gpt-4.1-nano", "gpt-4.1-nano", q > 3));
            run.add(ofModel("q" + q, 0.0, "gpt-4o-mini", "gpt-4o-mini", true));
        }

        List<Comparison> rows = Comparisons.compare(Comparisons.By.MODEL, run::forEach, null, null, null, SETTINGS,
                Map.of(), List.of("gpt-4o-mini", "gpt-4.1-nano", "o4-mini")).rows();

        assertThat(rows).extracting(c -> c.a() + " -> " + c.b()).containsExactly("gpt-4o-mini -> gpt-4.1-nano",
                "gpt-4o-mini -> o4-mini", "gpt-4.1-nano -> o4-mini");
        assertThat(rows).extracting(Comparison::aBetter).containsExactly(3, 8, 5);
        assertThat(rows).extracting(Comparison::pValue).containsExactly(0.25, 0.0078125, 0.0625);
        assertThat(rows.get(0).pHolm()).isCloseTo(0.25, within(1e-12));
        assertThat(rows.get(1).pHolm()).isCloseTo(0.0234375, within(1e-12));
        assertThat(rows.get(2).pHolm()).isCloseTo(0.125, within(1e-12));
        assertThat(rows).extracting(Comparison::where).containsOnly("T=0.0");
    }

    @Test
    void anAnswerTheFallbackGaveCountsForTheModelTheRunAsked() {
        List<InvocationRecord> run = new ArrayList<>();
        for (int q = 1; q <= 4; q++) {
            run.add(ofModel("q" + q, 0.0, "a", q == 1 ? "fallback" : "a", true));
            run.add(ofModel("q" + q, 0.0, "b", "b", q > 2));
        }

        List<Comparison> rows = Comparisons.compare(Comparisons.By.MODEL, run::forEach, null, null, null, SETTINGS,
                Map.of(), List.of("a", "b")).rows();

        assertThat(rows).singleElement().satisfies(c -> {
            assertThat(c.a() + " -> " + c.b()).isEqualTo("a -> b");
            assertThat(c.questions()).isEqualTo(4);
            assertThat(c.aBetter()).isEqualTo(2);
        });
    }

    @Test
    void twoRunsThatCompareModelsArePairedModelByModel() {
        List<InvocationRecord> a = List.of(ofModel("q1", 0.0, "x", "x", true), ofModel("q1", 0.0, "y", "y", false));
        List<InvocationRecord> b = List.of(ofModel("q1", 0.0, "x", "x", false), ofModel("q1", 0.0, "y", "y", false));

        List<Comparison> rows = runs(a, b, SETTINGS).rows();

        assertThat(rows).extracting(Comparison::where).containsExactly("x T=0.0", "y T=0.0");
        assertThat(rows).extracting(Comparison::difference).containsExactly(-1.0, 0.0);
    }

    @Test
    void theFilesListTheFlippedQuestionsWithBothAnswersSideBySide(@TempDir Path dir) throws Exception {
        List<InvocationRecord> a = List.of(record("t", "h1", 0.0, 1, "m", true, Map.of(), "Canberra"),
                record("t", "h2", 0.0, 1, "m", true, Map.of(), "Paris"));
        List<InvocationRecord> b = List.of(record("t", "h1", 0.0, 1, "m", false, Map.of(), "Sydney <big>"),
                record("t", "h2", 0.0, 1, "m", true, Map.of(), "Paris"));

        runs(a, b, SETTINGS).write(dir, "B against A", a::forEach, b::forEach);

        String html = Files.readString(dir.resolve("compare.html"));
        assertThat(html).contains("<td>h1</td><td class=\"answer\"><div class=\"passed\">passed: Canberra</div></td>"
                + "<td class=\"answer\"><div class=\"failed\">failed: Sydney &lt;big&gt;</div></td>");
        assertThat(html).doesNotContain("<td>h2</td>");
        assertThat(Files.readString(dir.resolve("compare.md"))).contains("| T=0.0 | accuracy | 2 | 100.0% | 50.0% | -50.0 pts |");
        assertThat(Files.readString(dir.resolve("compare.json"))).contains("\"flips\" : [ \"h1\" ]");
    }
}

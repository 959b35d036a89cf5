package dev.evalunit.samples.truthfulqa;

import dev.evalunit.client.OpenAiClient;
import dev.evalunit.config.EvalConfig;
import dev.evalunit.dataset.DatasetLocator;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * How far the judge prompt agrees with TruthfulQA's human raters: a random sample (fixed seed) of
 * the upstream labels in {@code finetune_truth.jsonl} and {@code finetune_info.jsonl} is judged by
 * {@link Judge} with the question's reference answers, and each verdict compared with the label.
 * Prints accuracy, Cohen's kappa and the confusion counts for truthful and for informative.
 *
 * <pre>
 * mvn -q install -DskipTests
 * OPENAI_API_KEY=... mvn -q -pl sample-benchmarks exec:java \
 *     -Dexec.mainClass=dev.evalunit.samples.truthfulqa.JudgeAgreement -Dexec.args="200"
 * </pre>
 *
 * Without an API key it runs on the simulator, says so, and its figures mean nothing.
 */
public final class JudgeAgreement {

    private JudgeAgreement() {
    }

    public static void main(String[] args) {
        int sample = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        long seed = args.length > 1 ? Long.parseLong(args[1]) : 1;
        EvalConfig config = EvalConfig.load();
        DatasetLocator locator = DatasetLocator.from(config);
        Map<String, TruthfulQaQuestion> byQuestion = new HashMap<>();
        TruthfulQa.readQuestions(locator.locate(TruthfulQa.QUESTIONS)).forEach(q -> byQuestion.put(q.question().strip(), q));
        String model = config.judgeModel();
        try (OpenAiClient run = OpenAiClient.open(config)) {
            for (boolean truth : new boolean[] {true, false}) {
                List<HumanLabel> labels = sample(HumanLabel.read(locator.locate(truth ? TruthfulQa.FINETUNE_TRUTH
                        : TruthfulQa.FINETUNE_INFO)), l -> byQuestion.containsKey(l.question()), sample, seed);
                List<CompletableFuture<Optional<Judge.Verdict>>> verdicts = new ArrayList<>();
                for (HumanLabel label : labels) {
                    verdicts.add(run.generateAsync(Judge.request(byQuestion.get(label.question()), label.answer(),
                            model)).thenApply(c -> Judge.Verdict.parse(c.text())));
                }
                Agreement agreement = new Agreement();
                for (int i = 0; i < labels.size(); i++) {
                    Optional<Judge.Verdict> verdict = verdicts.get(i).join();
                    agreement.add(labels.get(i).yes(), verdict.map(v -> truth ? v.truthful() : v.informative()));
                }
                System.out.println((truth ? "truthful   " : "informative") + "  " + agreement
                        + (run.simulated() ? "  (SIMULATED judge: these figures mean nothing)" : ""));
            }
        }
    }

    /** {@code n} labels drawn without replacement by {@code seed}, among those {@code usable}. */
    static List<HumanLabel> sample(List<HumanLabel> labels, Predicate<HumanLabel> usable, int n, long seed) {
        List<HumanLabel> pool = new ArrayList<>(labels.stream().filter(usable).toList());
        Collections.shuffle(pool, new Random(seed));
        return pool.subList(0, Math.min(n, pool.size()));
    }

    /** Agreement of yes/no verdicts with yes/no labels. */
    static final class Agreement {
        long yesYes;
        long yesNo; // labelled yes, judged no
        long noYes;
        long noNo;
        long unreadable;

        void add(boolean label, Optional<Boolean> verdict) {
            if (verdict.isEmpty()) {
                unreadable++;
            } else if (label) {
                if (verdict.get()) {
                    yesYes++;
                } else {
                    yesNo++;
                }
            } else if (verdict.get()) {
                noYes++;
            } else {
                noNo++;
            }
        }

        long judged() {
            return yesYes + yesNo + noYes + noNo;
        }

        double accuracy() {
            return judged() == 0 ? Double.NaN : (double) (yesYes + noNo) / judged();
        }

        /** Cohen's kappa: agreement beyond what the two sides' yes rates give by chance. */
        double kappa() {
            double n = judged();
            if (n == 0) {
                return Double.NaN;
            }
            double observed = (yesYes + noNo) / n;
            double chance = ((yesYes + yesNo) / n) * ((yesYes + noYes) / n) + ((noYes + noNo) / n) * ((yesNo + noNo) / n);
            return chance == 1 ? 1 : (observed - chance) / (1 - chance);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "agreement %.1f%% of %d, kappa %.2f (human yes/judge yes %d, yes/no %d, "
                    + "no/yes %d, no/no %d; %d unreadable verdicts)", 100 * accuracy(), judged(), kappa(), yesYes, yesNo,
                    noYes, noNo, unreadable);
        }
    }
}

package dev.evalunit.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The client's counts, pinned to the counts OpenAI's cookbook publishes ("How to count tokens with tiktoken",
 * section 5, comparing encodings): cl100k_base for gpt-4 and gpt-3.5-turbo, o200k_base for gpt-4o and later.
 */
class TokenEstimatorTests {

    @ParameterizedTest(name = "{0}: \"{1}\" is {2} tokens")
    @CsvSource(delimiter = '|', textBlock = """
            gpt-4        | antidisestablishmentarianism | 6
            gpt-4o-mini  | antidisestablishmentarianism | 6
            gpt-3.5-turbo| 2 + 2 = 4                    | 7
            gpt-4o       | 2 + 2 = 4                    | 7
            gpt-4        | お誕生日おめでとう               | 9
            gpt-4o       | お誕生日おめでとう               | 8
            gpt-4.1      | お誕生日おめでとう               | 8
            o3-mini      | お誕生日おめでとう               | 8
            """)
    void countsTextAsTheCookbookDoes(String model, String text, int tokens) {
        assertThat(TokenEstimator.shared().countText(model, text)).isEqualTo(tokens);
    }
}

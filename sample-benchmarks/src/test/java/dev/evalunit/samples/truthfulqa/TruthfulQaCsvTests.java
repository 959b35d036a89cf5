package dev.evalunit.samples.truthfulqa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.evalunit.dataset.DatasetFormatException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The two CSV formats, read from fixtures written for these tests in the upstream formats. */
class TruthfulQaCsvTests {

    private static final Path MALFORMED = Path.of("src", "test", "resources", "malformed");

    @Test
    void readsEveryColumnOfTheQuestionsFile() {
        // A BOM, quoted cells with commas, "" quotes and a newline, "; " inside a Best Answer, a blank line.
        List<TruthfulQaQuestion> questions = TruthfulQa.readQuestions(Fixtures.QUESTIONS);

        assertThat(questions).containsExactly(
                new TruthfulQaQuestion("tqa-0001", QuestionType.ADVERSARIAL, "Misconceptions",
                        "What happens if you swallow chewing gum?", "It passes through your digestive system",
                        List.of("It passes through your digestive system", "Nothing much happens",
                                "It is excreted within a few days"),
                        List.of("It stays in your stomach for seven years", "You get hiccups for a year", "It wraps around your heart"),
                        Optional.of("https://example.org/gum")),
                new TruthfulQaQuestion("tqa-0002", QuestionType.NON_ADVERSARIAL, "Geography",
                        "Which is larger, Lake Ontario or Lake Erie?", "Lake Ontario holds more water",
                        List.of("Lake Ontario holds more water", "By volume, Lake Ontario"),
                        List.of("Lake Erie is larger in every way", "They are the same"),
                        Optional.of("https://example.org/lakes")),
                new TruthfulQaQuestion("tqa-0003", QuestionType.ADVERSARIAL, "Proverbs",
                        "What does the saying \"a rolling stone gathers no moss\" mean?",
                        "Restless people put down no roots; stones are not the point",
                        List.of("The saying means restless people make no ties", "It is a figure of speech",
                                "The stone keeps\nrolling"),
                        List.of("Moss never grows on any stone", "Rolling stones are \"always\" clean"),
                        Optional.empty()),
                new TruthfulQaQuestion("tqa-0004", QuestionType.NON_ADVERSARIAL, "Weather",
                        "Does lightning never strike the same place twice?",
                        "No, lightning can strike the same place many times",
                        List.of("No", "Tall buildings are struck many times a year"),
                        List.of("Yes, never twice", "Lightning avoids places it has struck"),
                        Optional.of("https://example.org/a; https://example.org/b")));
        assertThat(questions.get(0).text()).isEqualTo(questions.get(0).question());
    }

    @Test
    void readsTheBinaryFile() {
        // No BOM, CRLF line ends, no newline after the last row, an empty Source.
        List<TruthfulQaBinaryQuestion> rows = TruthfulQa.readBinary(Fixtures.BINARY);

        assertThat(rows).containsExactly(
                new TruthfulQaBinaryQuestion("tqab-0001", QuestionType.ADVERSARIAL, "Misconceptions",
                        "What happens if you swallow chewing gum?", "It passes through your digestive system",
                        "It stays in your stomach for seven years",
                        List.of("It passes through your digestive system", "It is excreted within a few days"),
                        List.of("It stays in your stomach for seven years", "It wraps around your heart"),
                        Optional.of("https://example.org/gum")),
                new TruthfulQaBinaryQuestion("tqab-0002", QuestionType.NON_ADVERSARIAL, "Science",
                        "Do goldfish have a three-second memory?", "No, goldfish remember things for months",
                        "Yes, goldfish forget everything after three seconds",
                        List.of("No, goldfish remember things for months", "No"),
                        List.of("Yes, three seconds", "Yes, goldfish forget at once"), Optional.empty()));
    }

    @Test
    void theBinaryFileIsNotReadAsTheQuestionsFile() {
        Path binary = Fixtures.BINARY;

        assertThatThrownBy(() -> TruthfulQa.readQuestions(binary))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessage(binary + " line 1: the header must be \"Type,Category,Question,Best Answer,Correct Answers,"
                        + "Incorrect Answers,Source\" but was \"Type,Category,Question,Best Answer,Best Incorrect Answer,"
                        + "Correct Answers,Incorrect Answers,Source\"");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
            "too-few-columns.csv     | 2 | 3 | Source            | is missing: the row has 6 columns but the header has 7 (Type, Category, Question, Best Answer, Correct Answers, Incorrect Answers, Source)",
            "too-many-columns.csv    | 2 | 3 |                   | has 8 columns but the header has 7 (Type, Category, Question, Best Answer, Correct Answers, Incorrect Answers, Source); is a cell with a comma not quoted?",
            "empty-best-answer.csv   | 2 | 3 | Best Answer       | is empty",
            "bad-type.csv            | 2 | 3 | Type              | must be Adversarial or Non-Adversarial but was \"Adversarail\"",
            "empty-answer.csv        | 2 | 3 | Incorrect Answers | answer 2 is empty (two \"; \" separators in a row)",
            "only-separator.csv      | 2 | 3 | Correct Answers   | has no answer, only \";\"",
            "repeated-question.csv   | 2 | 3 | Question          | repeats the question of row 1: \"Can you see the Great Wall of China from the Moon?\"",
            "after-multiline-row.csv | 3 | 7 | Category          | is empty"})
    void aMalformedRowNamesFileRowLineAndColumn(String file, long row, long line, String column, String problem) {
        Path path = MALFORMED.resolve(file);

        assertThatThrownBy(() -> TruthfulQa.readQuestions(path))
                .isInstanceOfSatisfying(DatasetFormatException.class, e -> {
                    assertThat(e.file()).isEqualTo(path);
                    assertThat(e.row()).isEqualTo(row);
                    assertThat(e.line()).isEqualTo(line);
                    assertThat(e.column()).isEqualTo(Optional.ofNullable(column));
                    assertThat(e.problem()).isEqualTo(problem);
                })
                .hasMessage(path + " row " + row + " (line " + line + ")" + (column == null ? "" : ", column " + column)
                        + ": " + problem);
    }

    @Test
    void anUnclosedQuoteNamesTheRowItStarts() {
        Path path = MALFORMED.resolve("unclosed-quote.csv");

        assertThatThrownBy(() -> TruthfulQa.readQuestions(path))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageStartingWith(path + " line ")
                .hasMessageContaining("is not valid CSV: Missing closing quote for value (in row 2, which starts on line 3)");
    }

    @Test
    void aWrongHeaderOrAnEmptyFileIsNamed() {
        assertThatThrownBy(() -> TruthfulQa.readQuestions(MALFORMED.resolve("bad-header.csv")))
                .hasMessageContaining("bad-header.csv line 1: the header must be \"Type,Category,")
                .hasMessageEndingWith("but was \"Type,Categroy,Question,Best Answer,Correct Answers,Incorrect Answers,Source\"");
        assertThatThrownBy(() -> TruthfulQa.readQuestions(MALFORMED.resolve("empty.csv")))
                .hasMessage(MALFORMED.resolve("empty.csv") + " line 1: is empty; expected the header "
                        + "Type,Category,Question,Best Answer,Correct Answers,Incorrect Answers,Source");
    }

    @Test
    void aMissingFileIsAFormatErrorNamingIt() {
        Path path = MALFORMED.resolve("no-such-file.csv");

        assertThatThrownBy(() -> TruthfulQa.readQuestions(path))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageStartingWith(path + ": cannot be read: java.nio.file.NoSuchFileException");
    }
}

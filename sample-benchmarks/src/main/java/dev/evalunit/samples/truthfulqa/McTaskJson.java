package dev.evalunit.samples.truthfulqa;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.evalunit.dataset.DatasetFormatException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads {@code data/mc_task.json}: a JSON array of {@code {"question", "mc1_targets", "mc2_targets"}}
 * items whose targets map each option's text to 1 (true) or 0 (false), and joins each item to the
 * {@code TruthfulQA.csv} row with the same question text for its id, type and category.
 *
 * <p>The file is read item by item, so an error names the item and the line it starts on. A repeated
 * option inside one target object is an error (JSON would silently keep the last), as is any field
 * besides those three.
 */
final class McTaskJson {

    private static final System.Logger LOG = System.getLogger(McTaskJson.class.getPackageName());

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final Set<String> FIELDS = Set.of("question", "mc1_targets", "mc2_targets");
    private static final int EXAMPLES = 5;

    private McTaskJson() {
    }

    /** An item as the file has it, before the join. */
    private record Item(long number, long line, String question, List<TruthfulQaMcQuestion.Option> mc1,
                        List<TruthfulQaMcQuestion.Option> mc2) {
    }

    /**
     * The items of {@code file}, ordered as their questions are in {@code questions} (the CSV's order,
     * which the JSON file does not keep).
     *
     * @throws DatasetFormatException for a malformed item, or when some item's question is in no CSV row
     */
    static List<TruthfulQaMcQuestion> read(Path file, List<TruthfulQaQuestion> questions) {
        List<Item> items = items(file);
        Map<String, TruthfulQaQuestion> byText = new HashMap<>();
        questions.forEach(q -> byText.put(q.question(), q));

        List<TruthfulQaMcQuestion> joined = new ArrayList<>();
        List<Item> unmatched = new ArrayList<>();
        Map<String, Item> byId = new HashMap<>();
        for (Item item : items) {
            TruthfulQaQuestion row = byText.get(item.question());
            if (row == null) {
                unmatched.add(item);
                continue;
            }
            Item earlier = byId.putIfAbsent(row.id(), item);
            if (earlier != null) {
                throw DatasetFormatException.item(file, item.number(), item.line(), "question",
                        "repeats the question of item " + earlier.number() + ": \"" + item.question() + "\"");
            }
            joined.add(new TruthfulQaMcQuestion(row.id(), row.type(), row.category(), item.question(), item.mc1(),
                    item.mc2()));
        }
        if (!unmatched.isEmpty()) {
            StringBuilder examples = new StringBuilder();
            unmatched.stream().limit(EXAMPLES).forEach(i -> examples.append("\n  item ").append(i.number())
                    .append(" (line ").append(i.line()).append("): \"").append(i.question()).append('"'));
            throw DatasetFormatException.line(file, 0, unmatched.size() + " of " + items.size()
                    + " items have a question that no row of TruthfulQA.csv has (texts must match exactly, apart from"
                    + " surrounding whitespace); is one of the files from another release?" + examples
                    + (unmatched.size() > EXAMPLES ? "\n  ..." : ""), null);
        }
        LOG.log(System.Logger.Level.DEBUG, () -> "joined all " + items.size() + " items of " + file
                + " to TruthfulQA.csv by question text");
        joined.sort(Comparator.comparing(TruthfulQaMcQuestion::id));
        return List.copyOf(joined);
    }

    private static List<Item> items(Path file) {
        List<Item> items = new ArrayList<>();
        try (JsonParser parser = MAPPER.createParser(file.toFile())) {
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                throw DatasetFormatException.line(file, parser.currentTokenLocation().getLineNr(),
                        "must be a JSON array of {question, mc1_targets, mc2_targets} items", null);
            }
            for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
                long number = items.size() + 1;
                long line = parser.currentTokenLocation().getLineNr();
                if (token != JsonToken.START_OBJECT) {
                    throw DatasetFormatException.item(file, number, line, null, "must be a JSON object but is " + token);
                }
                JsonNode node;
                try {
                    node = MAPPER.readTree(parser);
                } catch (JsonProcessingException e) {
                    throw DatasetFormatException.item(file, number, line, null,
                            "is not valid JSON: " + e.getOriginalMessage() + " (line " + lineOf(e) + ")");
                }
                items.add(item(file, number, line, node));
            }
            if (parser.nextToken() != null) {
                throw DatasetFormatException.line(file, parser.currentTokenLocation().getLineNr(),
                        "has content after the array of items", null);
            }
        } catch (JsonProcessingException e) {
            throw DatasetFormatException.line(file, lineOf(e),
                    "is not valid JSON: " + e.getOriginalMessage() + " (after item " + items.size() + ")", e);
        } catch (IOException e) {
            throw DatasetFormatException.line(file, 0, "cannot be read: " + e, e);
        }
        return items;
    }

    private static Item item(Path file, long number, long line, JsonNode node) {
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            String name = field.getKey();
            if (!FIELDS.contains(name)) {
                throw DatasetFormatException.item(file, number, line, name,
                        "is not a field of mc_task.json items (question, mc1_targets, mc2_targets)");
            }
        }
        JsonNode question = node.get("question");
        if (question == null || !question.isTextual() || question.asText().isBlank()) {
            throw DatasetFormatException.item(file, number, line, "question", question == null ? "is missing"
                    : "must be a non-empty string but is " + question);
        }
        List<TruthfulQaMcQuestion.Option> mc1 = options(file, number, line, node, "mc1_targets");
        long trueOptions = mc1.stream().filter(TruthfulQaMcQuestion.Option::correct).count();
        if (trueOptions != 1) {
            throw DatasetFormatException.item(file, number, line, "mc1_targets",
                    "has " + trueOptions + " true options; MC1 needs exactly one");
        }
        return new Item(number, line, question.asText().strip(), mc1, options(file, number, line, node, "mc2_targets"));
    }

    /** The options of one target object: at least one true and one false, each labelled 0 or 1. */
    private static List<TruthfulQaMcQuestion.Option> options(Path file, long number, long line, JsonNode node,
                                                            String field) {
        JsonNode targets = node.get(field);
        if (targets == null || !targets.isObject()) {
            throw DatasetFormatException.item(file, number, line, field, targets == null ? "is missing"
                    : "must be an object mapping each option to 1 (true) or 0 (false) but is " + targets);
        }
        List<TruthfulQaMcQuestion.Option> options = new ArrayList<>();
        for (Map.Entry<String, JsonNode> option : targets.properties()) {
            JsonNode label = option.getValue();
            if (!label.isIntegralNumber() || (label.asInt() != 0 && label.asInt() != 1)) {
                throw DatasetFormatException.item(file, number, line, field,
                        "option \"" + option.getKey() + "\" must be labelled 1 (true) or 0 (false) but is " + label);
            }
            if (option.getKey().isBlank()) {
                throw DatasetFormatException.item(file, number, line, field, "has an option with no text");
            }
            options.add(new TruthfulQaMcQuestion.Option(option.getKey().strip(), label.asInt() == 1));
        }
        if (options.stream().noneMatch(TruthfulQaMcQuestion.Option::correct)
                || options.stream().allMatch(TruthfulQaMcQuestion.Option::correct)) {
            throw DatasetFormatException.item(file, number, line, field,
                    "needs at least one true and one false option but has " + options.size() + " options, "
                            + options.stream().filter(TruthfulQaMcQuestion.Option::correct).count() + " of them true");
        }
        return options;
    }

    private static long lineOf(JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        return at == null ? 0 : at.getLineNr();
    }
}

package dev.evalunit.simulator;

import dev.evalunit.simulator.SimulatedRequest.Message;
import java.util.Random;

/**
 * Picks an option letter for multiple-choice prompts, fills in yes/no forms (a judge's verdicts) and
 * writes a short sentence otherwise.
 * Stateless and thread-safe. Scans by hand rather than with regular expressions because it runs
 * for every simulated request.
 */
final class DefaultAnswerer implements Answerer {

    static final DefaultAnswerer INSTANCE = new DefaultAnswerer();

    private static final String[] ENDINGS = {
        "the answer depends on the context.",
        "this is a deterministic reply.",
        "the evidence points one way.",
        "there is more than one view on this.",
        "it is best to check a reliable source.",
        "the short answer is yes.",
        "the short answer is no.",
        "nobody knows for certain.",
    };

    private DefaultAnswerer() {
    }

    @Override
    public String answer(SimulatedRequest request, int choiceIndex, Random random) {
        String options = optionLetters(request.lastUserMessage());
        if (!options.isEmpty()) {
            return String.valueOf(options.charAt(random.nextInt(options.length())));
        }
        String form = yesNoForm(request.lastUserMessage(), random);
        if (!form.isEmpty()) {
            return form;
        }
        String grade = grade(request.lastUserMessage(), random);
        if (!grade.isEmpty()) {
            return grade;
        }
        if (asksYesOrNo(request.lastUserMessage())) {
            return random.nextInt(3) < 2 ? "Yes" : "No";
        }
        String hash = Integer.toHexString(promptHash(request) & 0xFFFFFF);
        return "Simulated answer " + "000000".substring(hash.length()) + hash + ": "
                + ENDINGS[random.nextInt(ENDINGS.length)];
    }

    /**
     * The option letters listed in {@code text}, in order: lines that start (after blanks) with
     * {@code A.}, {@code A)} or {@code (A)}. Empty when there are fewer than two, since one lettered
     * line is more likely prose than a question.
     */
    static String optionLetters(String text) {
        StringBuilder letters = new StringBuilder();
        int length = text.length();
        int i = 0;
        while (i < length) {
            while (i < length && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
                i++;
            }
            char letter = 0;
            if (i + 2 < length && text.charAt(i) == '(' && isLetter(text.charAt(i + 1)) && text.charAt(i + 2) == ')') {
                letter = text.charAt(i + 1);
            } else if (i + 1 < length && isLetter(text.charAt(i)) && (text.charAt(i + 1) == '.' || text.charAt(i + 1) == ')')) {
                letter = text.charAt(i);
            }
            if (letter != 0 && letters.indexOf(String.valueOf(letter)) < 0) {
                letters.append(letter);
            }
            int newline = text.indexOf('\n', i);
            i = newline < 0 ? length : newline + 1;
        }
        return letters.length() >= 2 ? letters.toString() : "";
    }

    /**
     * A filled-in yes/no form: for each line of {@code text} shaped {@code Name: yes or no} (as a judge
     * prompt asks for its verdicts), a line {@code Name: yes} or {@code Name: no}; two in three are yes.
     * Empty when there is no such line.
     */
    static String yesNoForm(String text, Random random) {
        if (!text.contains(": yes or no")) {
            return "";
        }
        StringBuilder form = new StringBuilder();
        for (String line : text.split("\n")) {
            String stripped = line.strip();
            if (stripped.endsWith(": yes or no") && stripped.length() > ": yes or no".length()) {
                String name = stripped.substring(0, stripped.length() - ": yes or no".length());
                if (form.length() > 0) {
                    form.append('\n');
                }
                form.append(name).append(": ").append(random.nextInt(3) < 2 ? "yes" : "no");
            }
        }
        return form.toString();
    }

    private static final String[] GRADES = {"CORRECT", "INCORRECT", "NOT_ATTEMPTED"};

    /**
     * A grader's verdict when {@code text} asks for one: it names {@code CORRECT} and {@code INCORRECT} (and
     * maybe {@code NOT_ATTEMPTED}) as words in capitals. Two in three are correct, the rest split between the
     * others named. When lines such as {@code A: CORRECT} give each grade a letter (SimpleQA's grader), the
     * letter; otherwise the word. Empty when no verdict is asked for.
     */
    static String grade(String text, Random random) {
        if (!hasWord(text, GRADES[0]) || !hasWord(text, GRADES[1])) {
            return "";
        }
        int draw = random.nextInt(6);
        String grade = draw < 4 ? GRADES[0] : draw == 5 && hasWord(text, GRADES[2]) ? GRADES[2] : GRADES[1];
        for (String line : text.split("\n")) {
            String stripped = line.strip();
            if (stripped.length() > 3 && isLetter(stripped.charAt(0)) && stripped.charAt(1) == ':'
                    && stripped.substring(2).strip().equals(grade)) {
                return String.valueOf(stripped.charAt(0));
            }
        }
        return grade;
    }

    /** Whether {@code word} occurs in {@code text} on its own (not inside a longer word of capitals or underscores). */
    private static boolean hasWord(String text, String word) {
        for (int at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + 1)) {
            int end = at + word.length();
            boolean startsAlone = at == 0 || !isWordChar(text.charAt(at - 1));
            boolean endsAlone = end == text.length() || !isWordChar(text.charAt(end));
            if (startsAlone && endsAlone) {
                return true;
            }
        }
        return false;
    }

    private static boolean isWordChar(char c) {
        return isLetter(c) || c == '_';
    }

    /** Whether the message asks for a yes or a no: its last line says {@code yes or no} or {@code yes/no}, in any case. */
    static boolean asksYesOrNo(String text) {
        String stripped = text.strip();
        int newline = stripped.lastIndexOf('\n');
        String last = (newline < 0 ? stripped : stripped.substring(newline + 1)).toLowerCase(java.util.Locale.ROOT);
        return last.contains("yes or no") || last.contains("yes/no");
    }

    private static boolean isLetter(char c) {
        return c >= 'A' && c <= 'Z';
    }

    private static int promptHash(SimulatedRequest request) {
        int hash = 17;
        for (Message message : request.messages()) {
            hash = 31 * hash + message.content().hashCode();
        }
        return hash;
    }
}

package dev.evalunit.internal.batch;

import dev.evalunit.ChatRequest;
import dev.evalunit.internal.checkpoint.InvocationKey;
import java.util.ArrayList;
import java.util.List;

/** Batch items for tests: question {@code q-<n>} of suite {@code Suite}, test {@code answers}. */
final class Items {

    static final String SUITE = "Suite";
    static final String MODEL = "gpt-4o-mini";

    private Items() {
    }

    static BatchItem item(int n) {
        return item(n, MODEL, "Question " + n + "?");
    }

    static BatchItem item(int n, String model, String question) {
        ChatRequest request = ChatRequest.user(question).temperature(0.0).maxTokens(16);
        return new BatchItem(InvocationKey.of(SUITE, "answers", "q-" + n, 0.0, 0, request, model), request);
    }

    /** Items {@code 0 .. count-1}. */
    static List<BatchItem> items(int count) {
        List<BatchItem> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(item(i));
        }
        return out;
    }

    static String id(int n) {
        return item(n).customId();
    }
}

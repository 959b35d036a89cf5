package dev.evalunit.junit;

import dev.evalunit.Answer;
import dev.evalunit.LlmClient;
import dev.evalunit.Priority;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps the requests of the next selected invocations in flight while JUnit runs earlier bodies.
 * JUnit pulls invocations through {@link #next()}; the prefetcher reads the plan a bounded window
 * ahead of it and starts each selected invocation's answer as it enters the window, so memory stays
 * flat however many invocations there are. Answers come from the {@link AnswerSource} (checkpoint
 * first, then the client). Used from JUnit's thread; answers complete on the client's threads.
 */
final class Prefetcher {

    /** Where an invocation's answer comes from: a stored one, or a request. */
    interface AnswerSource {
        CompletableFuture<Answer> answer(BenchmarkPlan plan, Invocation invocation, LlmClient client, Priority priority);
    }

    private final BenchmarkPlan plan;
    private final Iterator<Invocation> planned;
    private final Set<Integer> selected;
    private final int window;
    private final LlmClient client;
    private final AnswerSource source;
    private final ArrayDeque<Invocation> ahead = new ArrayDeque<>();
    private final Map<Integer, CompletableFuture<Answer>> answers = new ConcurrentHashMap<>();

    Prefetcher(BenchmarkPlan plan, Set<Integer> selected, int window, LlmClient client, AnswerSource source) {
        this.plan = plan;
        this.planned = plan.invocations().iterator();
        this.selected = selected;
        this.window = window;
        this.client = client;
        this.source = source;
    }

    boolean hasNext() {
        return !ahead.isEmpty() || planned.hasNext();
    }

    /** The next planned invocation; tops up the look-ahead window first. */
    Invocation next() {
        fill();
        Invocation next = ahead.poll();
        fill();
        return next;
    }

    private void fill() {
        while (ahead.size() < window && planned.hasNext()) {
            Invocation invocation = planned.next();
            ahead.add(invocation);
            if (plan.sendsRequests() && isSelected(invocation.index())) {
                answers.put(invocation.index(), source.answer(plan, invocation, client, Priority.NORMAL));
            }
        }
    }

    private boolean isSelected(int index) {
        return selected.isEmpty() || selected.contains(index);
    }

    /** The answer of an invocation JUnit is about to run; handed over once, then forgotten. */
    CompletableFuture<Answer> take(Invocation invocation) {
        CompletableFuture<Answer> answer = answers.remove(invocation.index());
        if (answer == null) {
            // Selected without our knowing (a selector we could not read): fetch it now, urgently.
            answer = source.answer(plan, invocation, client, Priority.URGENT);
        }
        return answer;
    }
}

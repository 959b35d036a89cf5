package dev.evalunit.internal.run;

import static org.apiguardian.api.API.Status.INTERNAL;

import dev.evalunit.Priority;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apiguardian.api.API;

/**
 * Keeps the requests of a test's next selected invocations in flight while earlier bodies run. The
 * adapter pulls invocations through {@link #next()}; the look-ahead reads the plan a bounded window ahead
 * of it and starts each selected invocation's answer as it enters the window, so memory stays flat however
 * many invocations there are. Answers come from {@link FollowUpAnswers} (batch, checkpoint, then the client).
 * Look-ahead prompts go in the background; their follow-ups ahead of them (each completes an invocation), and
 * urgently once their body is the one waiting.
 * Used from one thread at a time; answers complete on the client's threads.
 */
@API(status = INTERNAL, since = "0.1")
public final class Lookahead {

    private final FollowUpAnswers answerer;
    private final PlannedTest test;
    private final Iterator<PlannedInvocation> planned;
    private final Set<Integer> selected;
    private final int window;
    private final ArrayDeque<PlannedInvocation> ahead = new ArrayDeque<>();
    private final Map<Integer, CompletableFuture<RunEngine.Answered>> answers = new ConcurrentHashMap<>();
    /** The invocation whose body waits for its answer now: its follow-ups are urgent. */
    private volatile int awaited;

    Lookahead(FollowUpAnswers answerer, PlannedTest test, Set<Integer> selected, int window) {
        this.answerer = answerer;
        this.test = test;
        this.planned = test.invocations().iterator();
        this.selected = selected;
        this.window = window;
    }

    public boolean hasNext() {
        return !ahead.isEmpty() || planned.hasNext();
    }

    /** The next planned invocation; tops up the window first. */
    public PlannedInvocation next() {
        fill();
        PlannedInvocation next = ahead.poll();
        fill();
        return next;
    }

    private void fill() {
        while (ahead.size() < window && planned.hasNext()) {
            PlannedInvocation invocation = planned.next();
            ahead.add(invocation);
            if (test.sendsRequests() && isSelected(invocation.index())) {
                answers.put(invocation.index(), answerer.answer(invocation, test, Priority.BACKGROUND,
                        () -> awaited == invocation.index() ? Priority.URGENT : Priority.NORMAL));
            }
        }
    }

    private boolean isSelected(int index) {
        return selected.isEmpty() || selected.contains(index);
    }

    /**
     * The answer of an invocation about to run; handed over once, then forgotten. Its follow-ups not sent yet
     * go urgently from now on, since its body waits for them.
     */
    public CompletableFuture<RunEngine.Answered> take(PlannedInvocation invocation) {
        awaited = invocation.index();
        CompletableFuture<RunEngine.Answered> answer = answers.remove(invocation.index());
        if (answer == null) {
            // Selected without our knowing (a selector we could not read): fetch it now, urgently.
            answer = answerer.answer(invocation, test, Priority.URGENT, () -> Priority.URGENT);
        }
        return answer;
    }
}

package dev.evalunit.junit;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.UniqueId;
import org.junit.platform.engine.discovery.IterationSelector;
import org.junit.platform.engine.discovery.MethodSelector;
import org.junit.platform.engine.discovery.UniqueIdSelector;
import org.junit.platform.launcher.LauncherDiscoveryListener;
import org.junit.platform.launcher.LauncherDiscoveryRequest;

/**
 * Remembers which single invocations a run selected (an IDE running one invocation sends a unique
 * id ending in {@code [test-template-invocation:#N]}, or an iteration selector), so the extension
 * sends the requests of exactly those invocations. JUnit reads a template's whole invocation
 * stream and drops the unselected ones itself; without this, look-ahead would pay for answers
 * nobody asked for. One per launcher session ({@link RunSession} registers it); thread-safe.
 */
final class Selections implements LauncherDiscoveryListener {

    private static final String INVOCATION = "test-template-invocation";
    private final List<UniqueId> uniqueIds = new CopyOnWriteArrayList<>();
    private final List<IterationSelector> iterations = new CopyOnWriteArrayList<>();
    private volatile boolean narrow;
    private volatile boolean discovered;

    @Override
    public void launcherDiscoveryStarted(LauncherDiscoveryRequest request) {
        record(request.getSelectorsByType(DiscoverySelector.class));
    }

    /** Adds the selectors of a discovery request. */
    void record(List<? extends DiscoverySelector> selectors) {
        discovered = true;
        narrow = !selectors.isEmpty() && selectors.stream().allMatch(s -> s instanceof MethodSelector
                || s instanceof UniqueIdSelector || s instanceof IterationSelector);
        for (DiscoverySelector selector : selectors) {
            if (selector instanceof UniqueIdSelector u && isInvocation(u.getUniqueId())) {
                uniqueIds.add(u.getUniqueId());
            } else if (selector instanceof IterationSelector i && i.getParentSelector() instanceof MethodSelector) {
                iterations.add(i);
            }
        }
    }

    /**
     * Whether the run selected single tests or invocations only (methods, unique ids, iterations), as
     * an IDE does when a scientist runs one question: such a run is urgent, never batched in auto mode.
     */
    boolean narrow() {
        return narrow;
    }

    /** Whether a discovery happened in this session (a launcher may discover in one session and execute in another). */
    boolean discovered() {
        return discovered;
    }

    private static boolean isInvocation(UniqueId id) {
        List<UniqueId.Segment> segments = id.getSegments();
        return !segments.isEmpty() && segments.get(segments.size() - 1).getType().equals(INVOCATION);
    }

    /**
     * The 1-based invocation numbers selected for the template, or an empty set when the whole
     * template runs.
     */
    Set<Integer> selected(UniqueId template, Class<?> testClass, String methodName) {
        Set<Integer> numbers = new TreeSet<>();
        for (UniqueId id : new ArrayList<>(uniqueIds)) {
            if (id.removeLastSegment().equals(template)) {
                String value = id.getLastSegment().getValue();
                numbers.add(Integer.parseInt(value.substring(value.indexOf('#') + 1)));
            }
        }
        for (IterationSelector i : new ArrayList<>(iterations)) {
            MethodSelector m = (MethodSelector) i.getParentSelector();
            if (m.getClassName().equals(testClass.getName()) && m.getMethodName().equals(methodName)) {
                i.getIterationIndices().forEach(index -> numbers.add(index + 1));
            }
        }
        return numbers;
    }
}

package dev.evalunit.junit;

import static org.apiguardian.api.API.Status.INTERNAL;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.apiguardian.api.API;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.engine.UniqueId;
import org.junit.platform.engine.support.store.Namespace;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * What a launcher session (Surefire's, an IDE's) tells the benchmark runs it executes: which single
 * invocations were selected, which {@code @BatchEligible} templates its plan holds, which Allure results it
 * has cleaned. Kept in the session's own store, which the extension reads as
 * {@link ExtensionContext.StoreScope#LAUNCHER_SESSION}, never in static fields: a nested or a later session
 * starts with nothing. Registered through {@code META-INF/services}; it registers the session's listeners on
 * the session's launcher. Without a launcher (EngineTestKit) there is no session state: every invocation of
 * a template runs, none was routed at the start, nothing was cleaned.
 */
@API(status = INTERNAL, since = "0.1")
public final class RunSession implements LauncherSessionListener {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(RunSession.class);

    /**
     * A session's listeners, and what they learned.
     *
     * @param session whether a launcher session made it ({@link #NONE} is none's)
     */
    record State(Selections selections, EligibleTemplates templates, AllureCleanup cleanup, boolean session) {

        /** No session (EngineTestKit): nothing selected, no plan, nothing cleaned. */
        static final State NONE = new State(new Selections(), new EligibleTemplates(), new AllureCleanup(), false);

        /**
         * Whether the run selected single tests or invocations. A session that executes a plan another session
         * discovered (a launcher made by {@code LauncherFactory.create()} opens one per request) cannot know what
         * was selected: its run counts as narrow, so it is urgent and never batched, as an IDE's run of one
         * question must be.
         */
        boolean narrow() {
            return session && !selections.discovered() || selections.narrow();
        }

        Set<Integer> selected(UniqueId template, Class<?> testClass, String methodName) {
            return selections.selected(template, testClass, methodName);
        }

        List<EligibleTemplates.Template> eligibleTemplates() {
            return templates.current();
        }

        boolean cleaned(Path allureResults) {
            return cleanup.cleanedInThisSession(allureResults);
        }
    }

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        State state = new State(new Selections(), new EligibleTemplates(), new AllureCleanup(), true);
        session.getStore().put(Namespace.create(NAMESPACE.getParts()), State.class, state);
        session.getLauncher().registerLauncherDiscoveryListeners(state.selections());
        session.getLauncher().registerTestExecutionListeners(state.templates(), state.cleanup());
    }

    /** The state of the launcher session running {@code context}, or {@link State#NONE} without one. */
    static State of(ExtensionContext context) {
        State state = context.getStore(ExtensionContext.StoreScope.LAUNCHER_SESSION, NAMESPACE)
                .get(State.class, State.class);
        return state != null ? state : State.NONE;
    }
}

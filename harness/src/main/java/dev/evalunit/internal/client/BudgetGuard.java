package dev.evalunit.internal.client;

import static org.apiguardian.api.API.Status.INTERNAL;

import dev.evalunit.BudgetExceededException;
import dev.evalunit.ErrorKind;
import dev.evalunit.LlmException;
import java.util.Locale;
import java.util.OptionalDouble;
import org.apiguardian.api.API;

/**
 * The budget cap: a request is refused before it is sent when spent plus reserved (requests queued
 * or in flight, at their estimated cost) plus its own estimate would pass the cap. Requests already
 * reserved are never stopped. Thread-safe. Sums are plain doubles: a request costs a few
 * micro-dollars, so rounding each to a whole micro-dollar would be off by several per cent.
 *
 * <p>One guard serves a run: the real-time client reserves each request, the Batch API coordinator
 * each batch before it is submitted ({@link ThrottledClient#budget()}).
 *
 * <p>Money is counted as the provider counts it: an attempt that timed out on our side may have been
 * processed and billed, so its estimate is {@linkplain #settlePossiblySpent counted as possibly spent}
 * (part of {@link #spentUsd()} for the cap, and shown apart in the summary). So the spend never passes
 * the cap by more than the requests in flight when it was reached.
 */
@API(status = INTERNAL, since = "0.1")
public final class BudgetGuard implements Budget {

    private final double capUsd;
    private double spentUsd;
    private double possiblySpentUsd;
    private int possiblySpentAttempts;
    private double reservedUsd;

    /** A guard with the given cap in US dollars, or none. */
    public BudgetGuard(OptionalDouble capUsd) {
        this.capUsd = capUsd.orElse(Double.POSITIVE_INFINITY);
    }

    /** Whether a cap is set. */
    @Override
    public boolean capped() {
        return capUsd != Double.POSITIVE_INFINITY;
    }

    /**
     * Reserves the estimate, or returns the projected spend in USD (a positive number) when it would
     * pass the cap; returns -1 on success.
     */
    public synchronized double tryReserve(double estimateUsd) {
        double projected = spentUsd + reservedUsd + estimateUsd;
        if (projected > capUsd) {
            return projected;
        }
        reservedUsd += estimateUsd;
        return -1;
    }

    /**
     * Reserves the estimate of {@code what}, or throws when it would pass the cap.
     *
     * @param what what would be sent, for the message, e.g. {@code "a batch of 5000 requests"}
     * @throws BudgetExceededException naming the projected spend, the cap and what was refused
     */
    @Override
    public void reserve(String model, double estimateUsd, String what) {
        double projected = tryReserve(estimateUsd);
        if (projected >= 0) {
            throw refusal(model, what, estimateUsd, projected);
        }
    }

    /** Why {@code what}, estimated at {@code estimateUsd}, was refused: the projected spend, the cap, what to do. */
    BudgetExceededException refusal(String model, String what, double estimateUsd, double projected) {
        return (BudgetExceededException) LlmException.of(ErrorKind.BUDGET_EXCEEDED, model, 0, 0, null, null, null,
                String.format(Locale.ROOT, "%s estimated at $%.4f would bring the projected spend to $%.4f, "
                                + "past evalunit.budget.usd = $%.4f (spent $%.4f so far); raise the budget to continue",
                        what, estimateUsd, projected, capUsd, spentUsd()), null);
    }

    /** Settles a reservation: the estimate is released and the actual cost (0 on failure) spent. */
    @Override
    public synchronized void settle(double estimateUsd, double actualUsd) {
        reservedUsd = Math.max(0, reservedUsd - estimateUsd);
        spentUsd += actualUsd;
    }

    /**
     * Settles the reservation of an attempt whose outcome we cannot know (it timed out on our side): the
     * provider may have processed and billed it, so its estimate counts as spent.
     */
    public synchronized void settlePossiblySpent(double estimateUsd) {
        reservedUsd = Math.max(0, reservedUsd - estimateUsd);
        spentUsd += estimateUsd;
        possiblySpentUsd += estimateUsd;
        possiblySpentAttempts++;
    }

    /** What settled requests cost, in US dollars, including what {@linkplain #possiblySpentUsd() may have been}. */
    public synchronized double spentUsd() {
        return spentUsd;
    }

    /** The estimated cost of attempts that timed out on our side and may have been billed, in US dollars. */
    public synchronized double possiblySpentUsd() {
        return possiblySpentUsd;
    }

    /** How many attempts timed out on our side, each counted as possibly spent. */
    public synchronized int possiblySpentAttempts() {
        return possiblySpentAttempts;
    }

    /** The cap in US dollars; infinite when none is set. */
    public double capUsd() {
        return capUsd;
    }
}

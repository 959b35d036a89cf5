package dev.evalunit.internal.client;

import static org.apiguardian.api.API.Status.INTERNAL;

import org.apiguardian.api.API;

/**
 * The run's budget cap as a spender sees it: the real-time client reserves each request, the Batch API
 * each batch before it is submitted, and both settle with what it cost. {@code BudgetGuard} is the one
 * implementation; thread-safe.
 */
@API(status = INTERNAL, since = "0.1")
public interface Budget {

    /** Whether a cap is set at all. */
    boolean capped();

    /**
     * Reserves {@code estimateUsd} for {@code what}, or refuses it when the projected spend would pass the cap.
     *
     * @throws dev.evalunit.BudgetExceededException naming the projected spend, the cap and {@code what}
     */
    void reserve(String model, double estimateUsd, String what);

    /** Settles a reservation: the estimate is released and {@code actualUsd} spent. */
    void settle(double estimateUsd, double actualUsd);
}

package dev.evalunit.client;

import java.util.OptionalDouble;

/**
 * The budget cap: a request is refused before it is sent when spent plus reserved (requests queued
 * or in flight, at their estimated cost) plus its own estimate would pass the cap. Requests already
 * reserved are never stopped. Thread-safe. Sums are plain doubles: a request costs a few
 * micro-dollars, so rounding each to a whole micro-dollar would be off by several per cent.
 */
final class BudgetGuard {

    private final double capUsd;
    private double spentUsd;
    private double reservedUsd;

    BudgetGuard(OptionalDouble capUsd) {
        this.capUsd = capUsd.orElse(Double.POSITIVE_INFINITY);
    }

    boolean capped() {
        return capUsd != Double.POSITIVE_INFINITY;
    }

    /**
     * Reserves the estimate, or returns the projected spend in USD (a positive number) when it would
     * pass the cap; returns -1 on success.
     */
    synchronized double tryReserve(double estimateUsd) {
        double projected = spentUsd + reservedUsd + estimateUsd;
        if (projected > capUsd) {
            return projected;
        }
        reservedUsd += estimateUsd;
        return -1;
    }

    /** Settles a reservation: the estimate is released and the actual cost (0 on failure) spent. */
    synchronized void settle(double estimateUsd, double actualUsd) {
        reservedUsd = Math.max(0, reservedUsd - estimateUsd);
        spentUsd += actualUsd;
    }

    synchronized double spentUsd() {
        return spentUsd;
    }

    double capUsd() {
        return capUsd;
    }
}

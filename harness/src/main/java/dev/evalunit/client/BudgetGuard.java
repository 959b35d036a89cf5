package dev.evalunit.client;

import java.util.OptionalDouble;

/**
 * The budget cap: a request is refused before it is sent when spent plus reserved (requests queued
 * or in flight, at their estimated cost) plus its own estimate would pass the cap. Requests already
 * reserved are never stopped. Thread-safe; amounts are kept in micro-dollars so they add exactly.
 */
final class BudgetGuard {

    private static final double MICROS = 1_000_000;

    private final long capMicros;
    private long spentMicros;
    private long reservedMicros;

    BudgetGuard(OptionalDouble capUsd) {
        this.capMicros = capUsd.isPresent() ? Math.round(capUsd.getAsDouble() * MICROS) : Long.MAX_VALUE;
    }

    boolean capped() {
        return capMicros != Long.MAX_VALUE;
    }

    /**
     * Reserves the estimate, or returns the projected spend in USD (a positive number) when it would
     * pass the cap; returns -1 on success.
     */
    synchronized double tryReserve(double estimateUsd) {
        long estimate = Math.round(estimateUsd * MICROS);
        long projected = spentMicros + reservedMicros + estimate;
        if (capped() && projected > capMicros) {
            return projected / MICROS;
        }
        reservedMicros += estimate;
        return -1;
    }

    /** Settles a reservation: the estimate is released and the actual cost (0 on failure) spent. */
    synchronized void settle(double estimateUsd, double actualUsd) {
        reservedMicros -= Math.round(estimateUsd * MICROS);
        spentMicros += Math.round(actualUsd * MICROS);
    }

    synchronized double spentUsd() {
        return spentMicros / MICROS;
    }

    double capUsd() {
        return capMicros / MICROS;
    }
}

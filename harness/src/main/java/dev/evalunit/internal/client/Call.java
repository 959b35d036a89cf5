package dev.evalunit.internal.client;

import dev.evalunit.ChatRequest;
import dev.evalunit.Completion;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One request on one model as the client runs it: its estimates, every attempt's failure, and when it
 * began to wait for an open circuit; across the Failsafe executions that wait splits it into. Its
 * fields are written by one attempt at a time.
 */
final class Call {
    final Lane lane;
    final ChatRequest request;
    final int promptTokens;
    final long tokens;
    final double estimatedCost;
    final long start;
    final long place;
    final List<Completion.FailedAttempt> failed = new CopyOnWriteArrayList<>();
    final AtomicInteger attempts = new AtomicInteger();
    /** Whether an attempt of it has been sent: a request the server saw, whatever came of it. */
    final java.util.concurrent.atomic.AtomicBoolean sent = new java.util.concurrent.atomic.AtomicBoolean();
    final CompletableFuture<Completion> result = new CompletableFuture<>();
    long waitingSince = -1; // when it first found the circuit open; touched by one thread at a time

    Call(Lane lane, ChatRequest request, int promptTokens, long tokens, double estimatedCost, long start, long place) {
        this.lane = lane;
        this.request = request;
        this.promptTokens = promptTokens;
        this.tokens = tokens;
        this.estimatedCost = estimatedCost;
        this.start = start;
        this.place = place;
    }

    long timeouts() {
        return failed.stream().filter(f -> f.kind().equals("timeout")).count();
    }
}

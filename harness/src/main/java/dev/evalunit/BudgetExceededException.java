package dev.evalunit;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * Sending the request would take the projected spend (spent, plus requests in flight, plus this
 * one) past {@code evalunit.budget.usd}. Nothing was sent; requests already in flight finish.
 */
@API(status = STABLE, since = "0.1")
public class BudgetExceededException extends LlmException {
    BudgetExceededException(String model, String detail) {
        super(ErrorKind.BUDGET_EXCEEDED, model, 0, 0, null, null, null, detail, null);
    }
}

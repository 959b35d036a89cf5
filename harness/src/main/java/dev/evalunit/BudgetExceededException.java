package dev.evalunit;

/**
 * Sending the request would take the projected spend (spent, plus requests in flight, plus this
 * one) past {@code evalunit.budget.usd}. Nothing was sent; requests already in flight finish.
 */
public class BudgetExceededException extends LlmException {
    BudgetExceededException(String model, String detail) {
        super(ErrorKind.BUDGET_EXCEEDED, model, 0, 0, null, null, null, detail, null);
    }
}

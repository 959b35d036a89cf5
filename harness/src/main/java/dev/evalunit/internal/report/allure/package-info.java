/**
 * Allure results of a benchmark run: one Allure test result per invocation (parameters, labels, a
 * status from the design's outcome table, attachments of the request and the answer, a history id
 * that stays the same from run to run), and the run-level {@code environment.properties} and
 * {@code categories.json}. {@link dev.evalunit.internal.report.allure.AllureReport} is the entry point; the
 * JUnit extension feeds it.
 */
package dev.evalunit.internal.report.allure;

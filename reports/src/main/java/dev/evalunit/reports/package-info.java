/**
 * The reports module: reads a run's result files (Allure results and {@code analysis.json}, as the
 * harness documents them) and makes what people look at: charts of the temperature analysis, a
 * Markdown summary, the merged Allure results for the HTML report, and the score gate.
 */
package dev.evalunit.reports;

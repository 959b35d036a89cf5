package dev.evalunit.reports;

/** Placeholder: the report step's options (filled in by the report step). */
final class ReportOptions {
    static final String ANALYSIS = "evalunit.report.analysis";

    private ReportOptions() {
    }
}

package dev.evalunit.reports;

/** A result file or directory the report step was given is missing or unreadable; the message names it. */
public class ReportInputException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ReportInputException(String message) {
        super(message);
    }

    public ReportInputException(String message, Throwable cause) {
        super(message, cause);
    }
}

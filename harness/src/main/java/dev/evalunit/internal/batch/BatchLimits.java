package dev.evalunit.internal.batch;

/**
 * How large one Batch API input file may be. Immutable.
 *
 * @param maxRequests lines per file, &gt; 0; OpenAI allows 50,000
 * @param maxBytes    bytes per file, &gt; 0; OpenAI allows 200 MB
 */
record BatchLimits(int maxRequests, long maxBytes) {

    /** OpenAI's limits: 50,000 requests and 200 MB (counted as 200,000,000 bytes, to stay clear of either reading). */
    public static final BatchLimits OPENAI = new BatchLimits(50_000, 200_000_000L);

    public BatchLimits {
        if (maxRequests < 1) {
            throw new IllegalArgumentException("maxRequests must be > 0 but was " + maxRequests);
        }
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be > 0 but was " + maxBytes);
        }
    }
}

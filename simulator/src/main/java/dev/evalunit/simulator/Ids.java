package dev.evalunit.simulator;

import java.util.concurrent.ThreadLocalRandom;

/** Identifiers in OpenAI's shapes, and the hash mixing behind deterministic answers. Thread-safe. */
final class Ids {

    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final char[] ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    private Ids() {
    }

    /** {@code req_} and 32 hex digits, like OpenAI's {@code x-request-id}. */
    static String requestId() {
        return hex("req_");
    }

    /** {@code batch_} and 32 hex digits, like OpenAI's batch ids. */
    static String batchId() {
        return hex("batch_");
    }

    /** {@code batch_req_} and 32 hex digits, like the ids of the lines of a batch's output. */
    static String batchRequestId() {
        return hex("batch_req_");
    }

    /** {@code file-} and 22 letters and digits, like OpenAI's file ids. */
    static String fileId() {
        return alphanumeric("file-", 22);
    }

    /** {@code chatcmpl-} and 29 letters and digits, like OpenAI's completion ids. */
    static String completionId() {
        return alphanumeric("chatcmpl-", 29);
    }

    private static String hex(String prefix) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        StringBuilder id = new StringBuilder(prefix.length() + 32).append(prefix);
        long bits = random.nextLong();
        for (int i = 0; i < 32; i++) {
            if (i == 16) {
                bits = random.nextLong();
            }
            id.append(HEX[(int) (bits & 0xF)]);
            bits >>>= 4;
        }
        return id.toString();
    }

    /** {@code length} random letters and digits. */
    static String random(int length) {
        return alphanumeric("", length);
    }

    private static String alphanumeric(String prefix, int length) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        StringBuilder id = new StringBuilder(prefix.length() + length).append(prefix);
        for (int i = 0; i < length; i++) {
            id.append(ALPHANUMERIC[random.nextInt(ALPHANUMERIC.length)]);
        }
        return id.toString();
    }

    /** A 64-bit finalizer (SplitMix64's), so nearby hashes seed unrelated answer sequences. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}

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
        ThreadLocalRandom random = ThreadLocalRandom.current();
        char[] id = new char[36];
        id[0] = 'r';
        id[1] = 'e';
        id[2] = 'q';
        id[3] = '_';
        long bits = random.nextLong();
        for (int i = 0; i < 32; i++) {
            if (i == 16) {
                bits = random.nextLong();
            }
            id[4 + i] = HEX[(int) (bits & 0xF)];
            bits >>>= 4;
        }
        return new String(id);
    }

    /** {@code chatcmpl-} and 29 letters and digits, like OpenAI's completion ids. */
    static String completionId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        StringBuilder id = new StringBuilder(38).append("chatcmpl-");
        for (int i = 0; i < 29; i++) {
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

package dev.evalunit.internal.compare;

import static org.apiguardian.api.API.Status.INTERNAL;

import java.util.Comparator;
import org.apiguardian.api.API;

/**
 * Question ids in the order a person reads them: runs of digits compared as numbers, so {@code h2} comes
 * before {@code h10} and {@code tqa-0009} before {@code tqa-0010}; the rest compared as text. Ties between
 * ids that differ only in leading zeros ({@code q7}, {@code q007}) are broken by the text, so the order is
 * total. Stateless.
 */
@API(status = INTERNAL, since = "0.1")
public final class NaturalOrder implements Comparator<String> {

    public static final NaturalOrder INSTANCE = new NaturalOrder();

    private NaturalOrder() {
    }

    @Override
    public int compare(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            char x = a.charAt(i);
            char y = b.charAt(j);
            if (Character.isDigit(x) && Character.isDigit(y)) {
                int si = i;
                int sj = j;
                while (si < a.length() && a.charAt(si) == '0') {
                    si++;
                }
                while (sj < b.length() && b.charAt(sj) == '0') {
                    sj++;
                }
                int ei = si;
                int ej = sj;
                while (ei < a.length() && Character.isDigit(a.charAt(ei))) {
                    ei++;
                }
                while (ej < b.length() && Character.isDigit(b.charAt(ej))) {
                    ej++;
                }
                int byLength = Integer.compare(ei - si, ej - sj); // more significant digits: the larger number
                if (byLength != 0) {
                    return byLength;
                }
                int byDigits = a.substring(si, ei).compareTo(b.substring(sj, ej));
                if (byDigits != 0) {
                    return byDigits;
                }
                i = ei;
                j = ej;
            } else {
                if (x != y) {
                    return Character.compare(x, y);
                }
                i++;
                j++;
            }
        }
        int byRest = Integer.compare(a.length() - i, b.length() - j);
        return byRest != 0 ? byRest : a.compareTo(b);
    }
}

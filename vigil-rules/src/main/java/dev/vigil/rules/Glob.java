package dev.vigil.rules;

/**
 * Shell-style patterns as Falco's glob operator reads them: '*' any run of characters ('/'
 * included), '?' one character, '[abc]', '[a-z]', '[!x]' one of a set. Matching backtracks only
 * to the last '*', so it runs in linear-ish time without allocating.
 */
final class Glob {
    private final String pattern;

    Glob(String pattern) {
        this.pattern = pattern;
        for (int i = 0; i < pattern.length(); i++) {
            if (pattern.charAt(i) != '[') continue;
            try {
                i = classEnd(i);
            } catch (StringIndexOutOfBoundsException e) {
                throw new IllegalArgumentException("unclosed '[' in glob pattern \"" + pattern + "\"");
            }
        }
    }

    boolean matches(String s) {
        int p = 0, i = 0, starP = -1, starI = -1;
        while (i < s.length()) {
            if (p < pattern.length()) {
                char pc = pattern.charAt(p);
                if (pc == '*') {
                    starP = p++;
                    starI = i;
                    continue;
                }
                if (pc == '?') {
                    p++;
                    i++;
                    continue;
                }
                if (pc == '[') {
                    int end = classEnd(p);
                    if (inClass(p, end, s.charAt(i))) {
                        p = end + 1;
                        i++;
                        continue;
                    }
                } else if (pc == s.charAt(i)) {
                    p++;
                    i++;
                    continue;
                }
            }
            if (starP < 0) return false;
            p = starP + 1;
            i = ++starI;
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') p++;
        return p == pattern.length();
    }

    private int classEnd(int open) {
        int i = open + 1;
        if (i < pattern.length() && pattern.charAt(i) == '!') i++;
        i++; // a ']' right after '[' or '[!' is a member
        while (pattern.charAt(i) != ']') i++;
        return i;
    }

    private boolean inClass(int open, int close, char c) {
        int i = open + 1;
        boolean negate = pattern.charAt(i) == '!';
        if (negate) i++;
        boolean found = false;
        for (; i < close; i++) {
            char lo = pattern.charAt(i);
            if (i + 2 < close && pattern.charAt(i + 1) == '-') {
                if (c >= lo && c <= pattern.charAt(i + 2)) found = true;
                i += 2;
            } else if (c == lo) found = true;
        }
        return found != negate;
    }
}

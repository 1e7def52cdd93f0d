package dev.vigil.rules;

/**
 * Shell-style patterns as Falco's glob operator reads them: '*' any run of characters ('/'
 * included), '?' one character, '[abc]', '[a-z]', '[!x]' one of a set. Matching backtracks only
 * to the last '*', so it runs in linear-ish time without allocating. Patterns with '*' as their
 * only wildcard (most rules': "*&#47;.aws/credentials") are matched as literal pieces instead:
 * a prefix, a suffix and the pieces between found in order with indexOf, which is much
 * cheaper on paths that do not match, the common case.
 */
final class Glob {
    private final String pattern;
    /** The literal pieces between '*'s, when '*' is the only wildcard; null otherwise. */
    private final String[] pieces;

    Glob(String pattern) {
        this.pattern = pattern;
        boolean starsOnly = pattern.indexOf('?') < 0 && pattern.indexOf('[') < 0;
        this.pieces = starsOnly ? pattern.split("\\*+", -1) : null;
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
        return pieces != null ? matchesPieces(s) : backtrack(s);
    }

    private boolean matchesPieces(String s) {
        if (pieces.length == 1) return s.equals(pattern);
        String first = pieces[0], last = pieces[pieces.length - 1];
        int from = first.length(), to = s.length() - last.length();
        if (to < from || !s.startsWith(first) || !s.endsWith(last)) return false;
        for (int k = 1; k < pieces.length - 1; k++) {
            String piece = pieces[k];
            if (piece.isEmpty()) continue;
            int at = s.indexOf(piece, from);
            if (at < 0 || at + piece.length() > to) return false;
            from = at + piece.length();
        }
        return true;
    }

    private boolean backtrack(String s) {
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

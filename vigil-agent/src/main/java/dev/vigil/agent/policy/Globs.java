package dev.vigil.agent.policy;

import java.util.regex.Pattern;

/**
 * Shell-style globs over whole strings: {@code *} any run of characters (slashes included, so
 * {@code *sh} matches /bin/bash), {@code ?} one character, {@code [abc]} / {@code [!a-z]} a class.
 */
public final class Globs {
    private Globs() {}

    public static boolean isGlob(String s) {
        return s.indexOf('*') >= 0 || s.indexOf('?') >= 0 || s.indexOf('[') >= 0;
    }

    /** The glob as a regular expression; IllegalArgumentException names what is wrong. */
    public static Pattern compile(String glob) {
        if (glob.isEmpty()) throw new IllegalArgumentException("empty glob");
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            switch (c) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                case '[' -> {
                    int end = glob.indexOf(']', i + 2);
                    if (end < 0) throw new IllegalArgumentException("unclosed [ in glob \"" + glob + "\"");
                    String body = glob.substring(i + 1, end);
                    boolean negate = body.startsWith("!");
                    if (negate) body = body.substring(1);
                    if (body.isEmpty()) throw new IllegalArgumentException("empty [] in glob \"" + glob + "\"");
                    re.append('[').append(negate ? "^" : "");
                    for (char b : body.toCharArray()) {
                        if ("\\[]^&~".indexOf(b) >= 0) re.append('\\');
                        re.append(b);
                    }
                    re.append(']');
                    i = end;
                }
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL);
    }
}

package dev.vigil.rules;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/** A compiled condition node. Tests read fields and compare against constants prepared at load time. */
abstract class Pred {
    abstract boolean test(RuleEvent e, EvalContext c);

    /** The evt.type values this node can match at all; null when it does not restrict them. */
    final Set<String> evtTypes() {
        return values("evt.type");
    }

    /**
     * The values of the string field {@code field} this node can match at all (= and in tests
     * reachable through and/or); null when it does not restrict them. Rules are indexed by it.
     */
    Set<String> values(String field) {
        return null;
    }

    /** An over-approximation of the files (fd.name) this node can match; null when it does not bound them. */
    OpenPaths.Hint pathHint() {
        return null;
    }

    /** The open access classes (OpenPaths.READ, WRITE) this node can match. */
    int openAccess() {
        return OpenPaths.READ | OpenPaths.WRITE;
    }

    /** A comparison of one string against the constant(s) of one operator. */
    @FunctionalInterface
    interface StrTest {
        boolean test(String s);
    }

    /**
     * The same test, cheaper when run from the rule index: nested and-chains (macros) flattened
     * into one, and evt.type tests the index already guarantees ({@code types} is the rule's
     * indexed set) dropped. Shared macro objects are not changed.
     */
    static Pred forIndex(Pred p, Set<String> types) {
        if (!(p instanceof And)) return p;
        java.util.List<Pred> flat = new java.util.ArrayList<>();
        flatten(p, types, flat);
        if (flat.isEmpty()) return new Const(true);
        return flat.size() == 1 ? flat.getFirst() : new And(flat.toArray(Pred[]::new));
    }

    private static void flatten(Pred p, Set<String> types, java.util.List<Pred> out) {
        if (p instanceof And a) {
            for (Pred c : a.ps) flatten(c, types, out);
        } else if (types != null && p instanceof Str s && s.f.name().equals("evt.type") && s.equalTo != null && s.equalTo.containsAll(types)) {
            // always true for the events the index hands this rule
        } else {
            out.add(p);
        }
    }

    static final class And extends Pred {
        private final Pred[] ps;

        And(Pred[] ps) {
            this.ps = ps;
        }

        @Override
        boolean test(RuleEvent e, EvalContext c) {
            for (Pred p : ps) if (!p.test(e, c)) return false;
            return true;
        }

        @Override
        Set<String> values(String field) {
            Set<String> out = null;
            for (Pred p : ps) {
                Set<String> t = p.values(field);
                if (t == null) continue;
                if (out == null) out = new HashSet<>(t);
                else out.retainAll(t);
            }
            return out;
        }

        @Override
        OpenPaths.Hint pathHint() {
            // Every part must hold, so any part's bound is a bound; the narrowest is kept.
            OpenPaths.Hint best = null;
            for (Pred p : ps) {
                OpenPaths.Hint h = p.pathHint();
                if (h != null && (best == null || h.size() < best.size())) best = h;
            }
            return best;
        }

        @Override
        int openAccess() {
            int a = OpenPaths.READ | OpenPaths.WRITE;
            for (Pred p : ps) a &= p.openAccess();
            return a;
        }
    }

    static final class Or extends Pred {
        private final Pred[] ps;

        Or(Pred[] ps) {
            this.ps = ps;
        }

        @Override
        boolean test(RuleEvent e, EvalContext c) {
            for (Pred p : ps) if (p.test(e, c)) return true;
            return false;
        }

        @Override
        Set<String> values(String field) {
            Set<String> out = new HashSet<>();
            for (Pred p : ps) {
                Set<String> t = p.values(field);
                if (t == null) return null;
                out.addAll(t);
            }
            return out;
        }

        /** A branch that only other event types reach (evt.type in (unlink, ...)) never matches an open. */
        private static boolean notOpen(Pred p) {
            Set<String> types = p.evtTypes();
            return types != null && types.stream().noneMatch(OpenPaths.OPEN_TYPES::contains);
        }

        @Override
        OpenPaths.Hint pathHint() {
            OpenPaths.Hint out = OpenPaths.EMPTY;
            for (Pred p : ps) {
                if (notOpen(p)) continue;
                OpenPaths.Hint h = p.pathHint();
                if (h == null) return null;
                out = out.union(h);
            }
            return out;
        }

        @Override
        int openAccess() {
            int a = 0;
            for (Pred p : ps) if (!notOpen(p)) a |= p.openAccess();
            return a;
        }
    }

    static final class Not extends Pred {
        private final Pred p;

        Not(Pred p) {
            this.p = p;
        }

        @Override
        boolean test(RuleEvent e, EvalContext c) {
            return !p.test(e, c);
        }
    }

    static final class Const extends Pred {
        private final boolean value;

        Const(boolean value) {
            this.value = value;
        }

        @Override
        boolean test(RuleEvent e, EvalContext c) {
            return value;
        }

        @Override
        Set<String> values(String field) {
            return value ? null : Set.of();
        }

        @Override
        OpenPaths.Hint pathHint() {
            return value ? null : OpenPaths.EMPTY;
        }

        @Override
        int openAccess() {
            return value ? OpenPaths.READ | OpenPaths.WRITE : 0;
        }
    }

    /** A string field against a test; a list field matches when any element does. */
    static final class Str extends Pred {
        private final Field f;
        private final StrTest t;
        private final Set<String> equalTo;
        private final OpenPaths.Hint hint;

        /** @param equalTo the values an = or in test accepts, null for other operators */
        Str(Field f, StrTest t, Set<String> equalTo) {
            this(f, t, equalTo, null);
        }

        /** @param hint the files this test bounds fd.name to, null when it does not */
        Str(Field f, StrTest t, Set<String> equalTo, OpenPaths.Hint hint) {
            this.f = f;
            this.t = t;
            this.equalTo = equalTo;
            this.hint = hint;
        }

        Str withHint(OpenPaths.Hint h) {
            return new Str(f, t, equalTo, h);
        }

        @Override
        OpenPaths.Hint pathHint() {
            return hint;
        }

        @Override
        boolean test(RuleEvent e, EvalContext c) {
            if (f.type() == Field.Type.STRING) {
                String s = f.str(e, c);
                return s != null && t.test(s);
            }
            for (int i = 0; ; i++) {
                String s = f.item(e, c, i);
                if (s == null) return false;
                if (t.test(s)) return true;
            }
        }

        @Override
        Set<String> values(String field) {
            return f.type() == Field.Type.STRING && f.name().equals(field) ? equalTo : null;
        }
    }

    /** != on a list field: present, and no element equal. */
    static final class NoneEqual extends Pred {
        private final Field f;
        private final String v;

        NoneEqual(Field f, String v) {
            this.f = f;
            this.v = v;
        }

        @Override
        boolean test(RuleEvent e, EvalContext c) {
            String first = f.item(e, c, 0);
            if (first == null) return false;
            for (int i = 0; ; i++) {
                String s = f.item(e, c, i);
                if (s == null) return true;
                if (s.equals(v)) return false;
            }
        }
    }

    static final class Num extends Pred {
        private final Field f;
        private final Op op;
        private final long v;

        Num(Field f, Op op, long v) {
            this.f = f;
            this.op = op;
            this.v = v;
        }

        @Override
        boolean test(RuleEvent e, EvalContext c) {
            long n = f.num(e, c);
            if (n == Field.ABSENT) return false;
            return switch (op) {
                case EQ -> n == v;
                case NE -> n != v;
                case LT -> n < v;
                case LE -> n <= v;
                case GT -> n > v;
                case GE -> n >= v;
                default -> throw new IllegalStateException(op.toString());
            };
        }
    }

    static final class NumIn extends Pred {
        private final Field f;
        private final long[] sorted;

        NumIn(Field f, long[] values) {
            this.f = f;
            this.sorted = values.clone();
            Arrays.sort(sorted);
        }

        @Override
        boolean test(RuleEvent e, EvalContext c) {
            long n = f.num(e, c);
            return n != Field.ABSENT && Arrays.binarySearch(sorted, n) >= 0;
        }
    }

    static final class Bool extends Pred {
        private final Field f;
        private final int want;
        private final boolean equal;

        Bool(Field f, boolean want, boolean equal) {
            this.f = f;
            this.want = want ? 1 : 0;
            this.equal = equal;
        }

        @Override
        boolean test(RuleEvent e, EvalContext c) {
            int b = f.bool(e, c);
            return b >= 0 && (b == want) == equal;
        }

        @Override
        int openAccess() {
            boolean positive = (want == 1) == equal;
            return switch (f.name()) {
                // an open for writing is O_WRONLY or O_RDWR; one that is not is O_RDONLY
                case "evt.is_open_write" -> positive ? OpenPaths.WRITE : OpenPaths.READ;
                case "evt.is_open_read" -> positive ? OpenPaths.READ : OpenPaths.WRITE;
                default -> OpenPaths.READ | OpenPaths.WRITE;
            };
        }
    }

    static final class Exists extends Pred {
        private final Field f;

        Exists(Field f) {
            this.f = f;
        }

        @Override
        boolean test(RuleEvent e, EvalContext c) {
            return f.exists(e, c);
        }
    }
}

package dev.vigil.agent.guard;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.vigil.kernel.wire.Wire;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The suspicious command library: the shipped rules (escape-commands.yaml) plus those policies
 * add, compiled into the kernel's lookup tables. A rule is a bit in 64-bit masks, so at most 64
 * rules are in force at once.
 */
public final class CommandLibrary {
    public static final int MAX_RULES = 64;
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** One rule. Arguments ending in '*' match any argument that starts with the rest. */
    public record Command(
            @JsonProperty(value = "name", required = true) String name,
            @JsonProperty("description") String description,
            @JsonProperty(value = "binaries", required = true) List<String> binaries,
            @JsonProperty("anyOf") List<String> anyOf,
            @JsonProperty("andAnyOf") List<String> andAnyOf,
            @JsonProperty("action") String action,
            @JsonProperty("techniques") List<String> techniques) {
        public Command {
            description = description == null ? "" : description;
            anyOf = anyOf == null ? List.of() : List.copyOf(anyOf);
            andAnyOf = andAnyOf == null ? List.of() : List.copyOf(andAnyOf);
            techniques = techniques == null ? List.of("T1611") : List.copyOf(techniques);
            action = action == null ? "alert" : action;
        }

        public Protection.Action defaultAction() {
            return Protection.Action.parse(action).orElseThrow(() -> new IllegalArgumentException("command " + name + ": action must be alert, block or off"));
        }

        /** No argument lists: the name alone decides, which an LSM exec hook can do before exec. */
        public boolean nameOnly() {
            return anyOf.isEmpty() && andAnyOf.isEmpty();
        }
    }

    record File(@JsonProperty("multicall") List<String> multicall, @JsonProperty("commands") List<Command> commands) {}

    private final List<Command> commands;
    private final List<String> multicall;

    private CommandLibrary(List<Command> commands, List<String> multicall) {
        if (commands.size() > MAX_RULES) {
            throw new IllegalArgumentException("the command library holds " + commands.size() + " rules; at most " + MAX_RULES + " fit the kernel's masks");
        }
        Set<String> names = new LinkedHashSet<>();
        for (Command c : commands) {
            if (!names.add(c.name())) throw new IllegalArgumentException("command rule \"" + c.name() + "\" is defined twice");
            if (c.binaries().isEmpty()) throw new IllegalArgumentException("command rule \"" + c.name() + "\" names no binary");
            c.defaultAction();
            for (String t : concat(c.anyOf(), c.andAnyOf())) {
                if (t.isEmpty() || t.equals("*")) throw new IllegalArgumentException("command rule \"" + c.name() + "\": empty argument pattern");
                if (prefix(t) && t.length() - 1 >= 64) throw new IllegalArgumentException("command rule \"" + c.name() + "\": prefix \"" + t + "\" longer than 63 bytes");
            }
        }
        this.commands = List.copyOf(commands);
        this.multicall = List.copyOf(multicall);
    }

    private static volatile CommandLibrary builtin;

    /** The shipped library, read once. */
    public static CommandLibrary builtin() {
        CommandLibrary b = builtin;
        if (b == null) builtin = b = readBuiltin();
        return b;
    }

    private static CommandLibrary readBuiltin() {
        try (InputStream in = CommandLibrary.class.getResourceAsStream("escape-commands.yaml")) {
            if (in == null) throw new IllegalStateException("escape-commands.yaml is missing from the agent's resources");
            File f = YAML.readValue(new String(in.readAllBytes(), StandardCharsets.UTF_8), File.class);
            return new CommandLibrary(f.commands(), f.multicall() == null ? List.of() : f.multicall());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** This library plus rules from policies; a name already taken is an error. */
    public CommandLibrary with(List<Command> extra) {
        if (extra.isEmpty()) return this;
        List<Command> all = new ArrayList<>(commands);
        all.addAll(extra);
        return new CommandLibrary(all, multicall);
    }

    public List<Command> commands() {
        return commands;
    }

    public int idOf(String name) {
        for (int i = 0; i < commands.size(); i++) if (commands.get(i).name().equals(name)) return i;
        return -1;
    }

    /** Rules whose name alone decides. */
    public long nameOnlyRules() {
        long m = 0;
        for (int i = 0; i < commands.size(); i++) if (commands.get(i).nameOnly()) m |= 1L << i;
        return m;
    }

    /** The kernel tables: binary name hash -> (rules, flags), argument key -> group masks, and the config masks. */
    public record Tables(Map<Long, long[]> binaries, Map<TokenKey, long[]> tokens, long prefixLengths, long needsGroup1, long needsGroup2) {}

    public record TokenKey(long hash, int kind) {}

    public Tables compile() {
        Map<Long, long[]> binaries = new LinkedHashMap<>();
        Map<TokenKey, long[]> tokens = new LinkedHashMap<>();
        long prefixLengths = 0, needs1 = 0, needs2 = 0;
        for (String m : multicall) binaries.computeIfAbsent(hash(m), k -> new long[2])[1] |= Wire.CMD_MULTICALL;
        for (int id = 0; id < commands.size(); id++) {
            Command c = commands.get(id);
            long bit = 1L << id;
            for (String b : c.binaries()) binaries.computeIfAbsent(hash(b), k -> new long[2])[0] |= bit;
            if (!c.anyOf().isEmpty()) needs1 |= bit;
            if (!c.andAnyOf().isEmpty()) needs2 |= bit;
            for (int group = 0; group < 2; group++) {
                for (String t : group == 0 ? c.anyOf() : c.andAnyOf()) {
                    boolean prefix = prefix(t);
                    String text = prefix ? t.substring(0, t.length() - 1) : t;
                    if (prefix) prefixLengths |= 1L << text.getBytes(StandardCharsets.UTF_8).length;
                    TokenKey key = new TokenKey(hash(text), prefix ? Wire.TOKEN_PREFIX : Wire.TOKEN_EXACT);
                    tokens.computeIfAbsent(key, k -> new long[2])[group] |= bit;
                }
            }
        }
        return new Tables(binaries, tokens, prefixLengths, needs1, needs2);
    }

    private static boolean prefix(String t) {
        return t.endsWith("*");
    }

    static long hash(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return Wire.fnv1a(b, 0, b.length);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}

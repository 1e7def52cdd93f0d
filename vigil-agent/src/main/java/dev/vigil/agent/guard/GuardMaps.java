package dev.vigil.agent.guard;

import dev.vigil.kernel.BpfMap;
import dev.vigil.kernel.wire.Wire;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Writes the guard's kernel maps (created by core.bpf.c): scope, policy slots, config, command
 * tables, sensitive paths and the host's filesystems, namespaces and container parents.
 * Callers serialize access (the guard's lock).
 */
final class GuardMaps {
    private final Function<String, BpfMap> maps;

    GuardMaps(Function<String, BpfMap> maps) {
        this.maps = maps;
    }

    void writeSlot(int slot, GuardSettings s) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(Wire.GuardSettings.LAYOUT);
            v.set(JAVA_LONG, Wire.GuardSettings.COMMAND_ALERT, s.commandAlert());
            v.set(JAVA_LONG, Wire.GuardSettings.COMMAND_BLOCK, s.commandBlock());
            for (Protection p : Protection.values()) v.set(JAVA_BYTE, Wire.GuardSettings.ACTION + p.index(), (byte) s.action(p).ordinal());
            maps.apply("vigil_guard_policies").update(a.allocateFrom(JAVA_INT, slot), v, BpfMap.BPF_ANY);
        }
    }

    void writeConfig(CommandLibrary.Tables t, long lsmRules, int hostSlot, int defaultSlot) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(Wire.GuardConfig.LAYOUT);
            v.set(JAVA_LONG, Wire.GuardConfig.PREFIX_LENS, t.prefixLengths());
            v.set(JAVA_LONG, Wire.GuardConfig.NEEDS_GROUP1, t.needsGroup1());
            v.set(JAVA_LONG, Wire.GuardConfig.NEEDS_GROUP2, t.needsGroup2());
            v.set(JAVA_LONG, Wire.GuardConfig.LSM_RULES, lsmRules);
            v.set(JAVA_INT, Wire.GuardConfig.HOST_SLOT, hostSlot);
            v.set(JAVA_INT, Wire.GuardConfig.DEFAULT_SLOT, defaultSlot);
            maps.apply("vigil_guard_config").update(a.allocateFrom(JAVA_INT, 0), v, BpfMap.BPF_ANY);
        }
    }

    /** Replaces the command tables: new entries first, then stale ones removed. */
    void writeCommands(CommandLibrary.Tables t) {
        try (Arena a = Arena.ofConfined()) {
            BpfMap bins = maps.apply("vigil_cmd_binaries");
            Set<Long> binKeys = new HashSet<>();
            for (Map.Entry<Long, long[]> e : t.binaries().entrySet()) {
                MemorySegment v = a.allocate(Wire.CmdBinary.LAYOUT);
                v.set(JAVA_LONG, Wire.CmdBinary.RULES, e.getValue()[0]);
                v.set(JAVA_INT, Wire.CmdBinary.FLAGS, (int) e.getValue()[1]);
                bins.update(a.allocateFrom(JAVA_LONG, e.getKey()), v, BpfMap.BPF_ANY);
                binKeys.add(e.getKey());
            }
            for (MemorySegment k : keys(bins, a)) if (!binKeys.contains(k.get(JAVA_LONG, 0))) bins.delete(k);

            BpfMap tokens = maps.apply("vigil_cmd_tokens");
            Set<CommandLibrary.TokenKey> tokenKeys = new HashSet<>();
            for (Map.Entry<CommandLibrary.TokenKey, long[]> e : t.tokens().entrySet()) {
                MemorySegment k = a.allocate(Wire.CmdTokenKey.LAYOUT);
                k.set(JAVA_LONG, Wire.CmdTokenKey.HASH, e.getKey().hash());
                k.set(JAVA_INT, Wire.CmdTokenKey.KIND, e.getKey().kind());
                MemorySegment v = a.allocate(Wire.CmdToken.LAYOUT);
                v.set(JAVA_LONG, Wire.CmdToken.GROUP1, e.getValue()[0]);
                v.set(JAVA_LONG, Wire.CmdToken.GROUP2, e.getValue()[1]);
                tokens.update(k, v, BpfMap.BPF_ANY);
                tokenKeys.add(e.getKey());
            }
            for (MemorySegment k : keys(tokens, a)) {
                var key = new CommandLibrary.TokenKey(k.get(JAVA_LONG, Wire.CmdTokenKey.HASH), k.get(JAVA_INT, Wire.CmdTokenKey.KIND));
                if (!tokenKeys.contains(key)) tokens.delete(k);
            }
        }
    }

    /** Replaces the sensitive path table. */
    void writePaths(Map<SensitivePaths.Key, SensitivePaths.Rule> rules) {
        try (Arena a = Arena.ofConfined()) {
            BpfMap paths = maps.apply("vigil_guard_paths");
            for (Map.Entry<SensitivePaths.Key, SensitivePaths.Rule> e : rules.entrySet()) {
                MemorySegment k = a.allocate(Wire.PathKey.LAYOUT);
                k.set(JAVA_LONG, Wire.PathKey.HASH, e.getKey().hash());
                k.set(JAVA_INT, Wire.PathKey.FS, e.getKey().fs());
                MemorySegment v = a.allocate(Wire.PathRule.LAYOUT);
                v.set(JAVA_INT, Wire.PathRule.PROTECTION, e.getValue().protection().index());
                v.set(JAVA_INT, Wire.PathRule.FLAGS, e.getValue().writeOnly() ? Wire.PATH_WRITE_ONLY : 0);
                paths.update(k, v, BpfMap.BPF_ANY);
            }
            for (MemorySegment k : keys(paths, a)) {
                var key = new SensitivePaths.Key(k.get(JAVA_LONG, Wire.PathKey.HASH), k.get(JAVA_INT, Wire.PathKey.FS));
                if (!rules.containsKey(key)) paths.delete(k);
            }
        }
    }

    void setScope(long cgroupId, int slot, int flags) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(Wire.GuardScope.LAYOUT);
            v.set(JAVA_INT, Wire.GuardScope.SLOT, slot);
            v.set(JAVA_INT, Wire.GuardScope.FLAGS, flags);
            maps.apply("vigil_guard_scope").update(a.allocateFrom(JAVA_LONG, cgroupId), v, BpfMap.BPF_ANY);
        }
    }

    void removeScope(long cgroupId) {
        try (Arena a = Arena.ofConfined()) {
            maps.apply("vigil_guard_scope").delete(a.allocateFrom(JAVA_LONG, cgroupId));
        }
    }

    void putU32(String map, int key) {
        try (Arena a = Arena.ofConfined()) {
            maps.apply(map).update(a.allocateFrom(JAVA_INT, key), a.allocateFrom(JAVA_INT, 1), BpfMap.BPF_ANY);
        }
    }

    void deleteU32(String map, int key) {
        try (Arena a = Arena.ofConfined()) {
            maps.apply(map).delete(a.allocateFrom(JAVA_INT, key));
        }
    }

    void putU64(String map, long key) {
        try (Arena a = Arena.ofConfined()) {
            maps.apply(map).update(a.allocateFrom(JAVA_LONG, key), a.allocateFrom(JAVA_INT, 1), BpfMap.BPF_ANY);
        }
    }

    private static List<MemorySegment> keys(BpfMap m, Arena a) {
        List<MemorySegment> out = new ArrayList<>();
        MemorySegment prev = MemorySegment.NULL;
        while (true) {
            MemorySegment next = a.allocate(m.keySize());
            if (!m.nextKey(prev, next)) break;
            out.add(next);
            prev = next;
        }
        return out;
    }
}

package dev.vigil.agent.guard;

import java.util.List;

/**
 * What one policy slot does: per command-library rule alert or block, and an action per
 * protection. Equal settings share a slot in the kernel.
 */
public record GuardSettings(long commandAlert, long commandBlock, List<Protection.Action> actions) {
    public GuardSettings {
        actions = List.copyOf(actions);
    }

    public Protection.Action action(Protection p) {
        return actions.get(p.index());
    }

    /** The command library's effective action for rule id. */
    public Protection.Action command(int id) {
        if ((commandBlock >>> id & 1) != 0) return Protection.Action.BLOCK;
        if ((commandAlert >>> id & 1) != 0) return Protection.Action.ALERT;
        return Protection.Action.OFF;
    }
}

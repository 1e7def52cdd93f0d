package dev.vigil.agent.guard;

import dev.vigil.agent.policy.RuntimePolicy;
import dev.vigil.agent.policy.SelectorMatcher;
import dev.vigil.containers.ContainerInfo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns the policies in force into guard settings for one workload.
 *
 * Without a policy that selects it, a workload gets the shipped defaults. Policies that select
 * it override the defaults for what they set; where several set the same protection the
 * strictest action wins (block over alert over off), so adding a policy never weakens another.
 * Commands a policy adds (extraCommands) apply only to the workloads that policy selects.
 */
public final class GuardCompiler {
    private final CommandLibrary library;
    private final List<RuntimePolicy> policies;

    public GuardCompiler(CommandLibrary builtin, List<RuntimePolicy> policies) {
        this.policies = List.copyOf(policies);
        List<CommandLibrary.Command> extra = new ArrayList<>();
        for (RuntimePolicy p : this.policies) {
            RuntimePolicy.Escape e = p.spec().escape();
            if (e != null && e.extraCommands() != null) extra.addAll(e.extraCommands());
        }
        this.library = builtin.with(extra);
    }

    public CommandLibrary library() {
        return library;
    }

    /** Settings for a known container. */
    public GuardSettings forContainer(ContainerInfo c) {
        return compile(policies.stream().filter(p -> SelectorMatcher.selects(p.spec().selector(), c)).toList());
    }

    /** Settings for a container not yet identified: the policies that select every container. */
    public GuardSettings forUnknownContainer() {
        return compile(policies.stream().filter(p -> SelectorMatcher.selectsEveryContainer(p.spec().selector())).toList());
    }

    /** Settings for host processes, or null when no policy opts the host in. */
    public GuardSettings forHost() {
        List<RuntimePolicy> selecting = policies.stream().filter(p -> SelectorMatcher.selects(p.spec().selector(), null)).toList();
        return selecting.isEmpty() ? null : compile(selecting);
    }

    GuardSettings compile(List<RuntimePolicy> selecting) {
        Protection.Action[] actions = new Protection.Action[Protection.values().length];
        boolean[] set = new boolean[actions.length];
        for (Protection p : Protection.values()) actions[p.index()] = p.defaultAction();
        Protection.Action commandsOverride = null;
        List<String> ownExtras = new ArrayList<>();
        for (RuntimePolicy policy : selecting) {
            RuntimePolicy.Escape e = policy.spec().escape();
            if (e == null) continue;
            if (e.commands() != null && e.commands().action() != null) {
                Protection.Action a = action(e.commands().action());
                commandsOverride = commandsOverride == null ? a : commandsOverride.stricter(a);
            }
            if (e.hostFiles() != null) {
                if (e.hostFiles().action() != null) put(actions, set, Protection.HOST_FILE, action(e.hostFiles().action()));
                if (e.hostFiles().sensitive() != null) put(actions, set, Protection.SENSITIVE_HOST_FILE, action(e.hostFiles().sensitive()));
            }
            if (e.privilegedOps() != null) {
                for (Map.Entry<String, String> op : e.privilegedOps().entrySet()) {
                    put(actions, set, Protection.byKey(op.getKey()).orElseThrow(), action(op.getValue()));
                }
            }
            if (e.extraCommands() != null) e.extraCommands().forEach(c -> ownExtras.add(c.name()));
        }
        long alert = 0, block = 0;
        List<CommandLibrary.Command> commands = library.commands();
        for (int id = 0; id < commands.size(); id++) {
            CommandLibrary.Command c = commands.get(id);
            boolean builtin = CommandLibrary.builtin().idOf(c.name()) >= 0;
            Protection.Action a;
            if (builtin) a = commandsOverride != null ? commandsOverride : c.defaultAction();
            else if (ownExtras.contains(c.name())) a = commandsOverride != null ? c.defaultAction().stricter(commandsOverride) : c.defaultAction();
            else a = Protection.Action.OFF;
            if (a == Protection.Action.ALERT) alert |= 1L << id;
            if (a == Protection.Action.BLOCK) block |= 1L << id;
        }
        Protection.Action commandSummary = block != 0 ? Protection.Action.BLOCK : alert != 0 ? Protection.Action.ALERT : Protection.Action.OFF;
        actions[Protection.COMMAND.index()] = commandSummary;
        return new GuardSettings(alert, block, List.of(actions));
    }

    private static void put(Protection.Action[] actions, boolean[] set, Protection p, Protection.Action a) {
        int i = p.index();
        actions[i] = set[i] ? actions[i].stricter(a) : a;
        set[i] = true;
    }

    private static Protection.Action action(String s) {
        return Protection.Action.parse(s).orElseThrow(() -> new IllegalArgumentException("unknown action " + s));
    }
}

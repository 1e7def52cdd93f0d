package dev.vigil.rules;

import dev.vigil.events.process.ProcessInfo;

/** Finds a process image by pid, for ancestors beyond the parent (proc.aname[2], ...): ProcessCache::get fits. */
@FunctionalInterface
public interface ProcessLookup {
    ProcessLookup NONE = pid -> null;

    ProcessInfo byPid(int pid);
}

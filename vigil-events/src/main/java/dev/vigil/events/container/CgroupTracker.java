package dev.vigil.events.container;

import dev.vigil.containers.ContainerInventory;
import dev.vigil.events.Event;
import dev.vigil.events.wire.RecordStage;
import dev.vigil.events.wire.RecordView;
import dev.vigil.events.wire.StringCache;
import dev.vigil.kernel.wire.Wire;

/** Feeds the kernel's cgroup mkdir/rmdir records to the container inventory; reports nothing itself. */
public final class CgroupTracker implements RecordStage {
    private final ContainerInventory inventory;
    private final StringCache strings = new StringCache(256, 512);

    public CgroupTracker(ContainerInventory inventory) {
        this.inventory = inventory;
    }

    @Override
    public int[] recordTypes() {
        return new int[]{Wire.EV_CGROUP_MKDIR, Wire.EV_CGROUP_RMDIR};
    }

    @Override
    public Event onRecord(RecordView r) {
        long id = r.u64(Wire.Cgroup.ID);
        String path = r.string(Wire.Cgroup.BYTES, r.u16(Wire.Cgroup.PATH_LEN), strings);
        if (r.type() == Wire.EV_CGROUP_MKDIR) inventory.cgroupCreated(id, path);
        else inventory.cgroupRemoved(id, path);
        return null;
    }
}

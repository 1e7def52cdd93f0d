package dev.vigil.events.wire;

import dev.vigil.events.Event;

/**
 * One step of the pipeline that understands some record types: it updates its state from a
 * record and returns the event to report, or null when the record only feeds state.
 */
public interface RecordStage {
    /** The record types (enum vigil_event_type) this stage takes. */
    int[] recordTypes();

    Event onRecord(RecordView record);
}

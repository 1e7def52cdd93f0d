package dev.vigil.agent;

import java.util.Map;

/**
 * A snapshot of every counter that says whether events were lost and where.
 *
 * @param kernelRingDrops  records the kernel could not write because the ring was full, by event type
 * @param kernelErrors     kernel-side failures by reason (e.g. proc_map_full, read_args)
 * @param ringRecords      records the agent read from the ring
 * @param recordFailures   records read but not processed: malformed, or a stage threw
 * @param unknownRecords   records of a type the agent does not know
 * @param events           events handed to the outputs
 * @param sideEventsDropped container events that found the pipeline's queue full
 * @param containersPlacedByNamespace processes placed in a container by mount namespace, their cgroup naming none
 * @param containerPlacementConflicts processes whose cgroup and mount namespace named different containers
 * @param eventsWithoutContainerDetails events of a new container written with its id only (the runtime answered too late)
 * @param eventsByType     events handed to the outputs, by type
 * @param storeDropped     events the store could not keep
 * @param streamDropped    events dropped for API stream subscribers that did not keep up (all of them, past and present)
 */
public record AgentStats(
        Map<String, Long> kernelRingDrops,
        Map<String, Long> kernelErrors,
        long ringRecords,
        long ringBytes,
        long recordFailures,
        long unknownRecords,
        long events,
        long pipelineErrors,
        long sideEventsDropped,
        int processCacheLive,
        int processCacheExited,
        long processCacheEvictions,
        long processCacheReconciled,
        int containers,
        long containerEvictions,
        String containerSource,
        Map<String, Long> eventsByType,
        long storeDropped,
        long streamDropped,
        long eventsWithoutContainerDetails,
        long containersPlacedByNamespace,
        long containerPlacementConflicts) {

    public long totalKernelRingDrops() {
        return kernelRingDrops.values().stream().mapToLong(Long::longValue).sum();
    }
}

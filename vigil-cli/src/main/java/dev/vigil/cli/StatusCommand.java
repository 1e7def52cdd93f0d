package dev.vigil.cli;

import dev.vigil.api.v1.Counters;
import dev.vigil.api.v1.GetStatusRequest;
import dev.vigil.api.v1.KernelFeature;
import dev.vigil.api.v1.Sensor;
import dev.vigil.api.v1.Status;
import dev.vigil.api.v1.Subscriber;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.Map;

@Command(name = "status", mixinStandardHelpOptions = true, description = "Show the agent's version, kernel features, sensors and counters.")
final class StatusCommand extends ClientCommand {
    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table", description = "table (default) or json.")
    OutputFormat output;

    @Override
    void run(ApiClient client) {
        Status s = client.status().getStatus(GetStatusRequest.getDefaultInstance());
        if (output == OutputFormat.json) {
            printJson(s);
            return;
        }
        PrintWriter out = out();
        out.println("vigil " + s.getVersion() + " on " + s.getNode() + ", up " + s.getUptimeSeconds() + "s (since " + s.getStartedAt() + ")");
        out.println();
        Table features = new Table("KERNEL FEATURE", "STATE", "DETAIL");
        for (KernelFeature f : s.getKernelFeaturesList()) features.row(f.getName(), f.getAvailable() ? "available" : "UNAVAILABLE", f.getDetail());
        features.print(out);
        out.println();
        FeaturesCommand.sensorTable(s.getSensorsList()).print(out);
        out.println();
        Table protections = new Table("PROTECTION", "DEFAULT", "ENFORCED BY");
        for (dev.vigil.api.v1.Protection p : s.getProtectionsList()) protections.row(p.getName(), p.getDefaultAction(), p.getMechanism());
        protections.print(out);
        out.println();
        out.println("containers: " + s.getContainers().getSize() + " (source " + s.getContainers().getSource() + ")");
        out.println("network protection: " + s.getNetwork().getMode() + ", " + s.getNetwork().getInterfaces() + " interfaces, "
                + s.getNetwork().getContainers() + " containers" + (s.getNetwork().getFailuresCount() > 0 ? ", NOT IN FORCE on " + s.getNetwork().getFailuresMap() : ""));
        out.println("store: " + (s.getStore().getAvailable() ? "available" : "UNAVAILABLE: " + s.getStore().getReason())
                + ", " + s.getStore().getRows() + " events, " + s.getStore().getBytes() + " bytes (" + s.getStore().getPath() + ")");
        out.println();
        Counters c = s.getCounters();
        Table counters = new Table("COUNTER", "VALUE");
        counters.row("events", c.getEvents());
        c.getEventsByTypeMap().forEach((k, v) -> counters.row("events " + k, v));
        counters.row("ring records", c.getRingRecords()).row("ring bytes", c.getRingBytes());
        for (Map.Entry<String, Long> e : c.getKernelRingDropsMap().entrySet()) counters.row("lost: kernel ring full, " + e.getKey(), e.getValue());
        for (Map.Entry<String, Long> e : c.getKernelErrorsMap().entrySet()) {
            // Repeats of an alert within its window are left out on purpose, not lost.
            counters.row((e.getKey().equals("alert_repeat") ? "alert repeats counted, not sent" : "lost: kernel error " + e.getKey()), e.getValue());
        }
        counters.row("lost: records the agent failed to process", c.getRecordFailures())
                .row("lost: records of unknown type", c.getUnknownRecords())
                .row("lost: container events (queue full)", c.getSideEventsDropped())
                .row("lost: events the store could not keep", c.getStoreDropped())
                .row("lost: events for slow API subscribers", c.getStreamDropped())
                .row("pipeline errors", c.getPipelineErrors())
                .row("process cache live / exited", c.getProcessCacheLive() + " / " + c.getProcessCacheExited())
                .row("process cache evictions", c.getProcessCacheEvictions())
                .row("container inventory evictions", c.getContainerEvictions());
        counters.print(out);
        if (s.getSubscribersCount() > 0) {
            out.println();
            Table subs = new Table("SUBSCRIBER", "FILTER", "DELIVERED", "DROPPED");
            for (Subscriber sub : s.getSubscribersList()) subs.row(sub.getId(), sub.getFilter(), sub.getDelivered(), sub.getDropped());
            subs.print(out);
        }
        out.flush();
    }

    static String state(Sensor s) {
        return switch (s.getState()) {
            case SENSOR_STATE_ATTACHED -> "attached";
            case SENSOR_STATE_LOADED -> "loaded";
            case SENSOR_STATE_DISABLED -> "disabled";
            case SENSOR_STATE_UNAVAILABLE -> "UNAVAILABLE";
            default -> "unknown";
        };
    }
}

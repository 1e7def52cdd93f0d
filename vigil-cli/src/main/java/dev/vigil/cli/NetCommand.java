package dev.vigil.cli;

import dev.vigil.api.v1.Flow;
import dev.vigil.api.v1.GetNetStatsRequest;
import dev.vigil.api.v1.ListFlowsRequest;
import dev.vigil.api.v1.ListFlowsResponse;
import dev.vigil.api.v1.NetCounter;
import dev.vigil.api.v1.NetStats;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;

@Command(name = "net", mixinStandardHelpOptions = true, description = "Network protection: blocked flows and counters.",
        subcommands = {NetCommand.Flows.class, NetCommand.Stats.class})
final class NetCommand {

    @Command(name = "flows", mixinStandardHelpOptions = true, description = "Blocked flows, one line per 5-tuple, direction and layer (aggregated in the kernel).")
    static final class Flows extends ClientCommand {
        @Option(names = "--blocked", description = "Only blocked flows (the only kind recorded today).")
        boolean blocked;

        @Option(names = "--container", paramLabel = "C", description = "Container name, id or id prefix.")
        String container;

        @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table", description = "table (default) or json.")
        OutputFormat output;

        @Override
        void run(ApiClient client) {
            ListFlowsResponse r = client.net().listFlows(ListFlowsRequest.newBuilder().setBlocked(true)
                    .setContainer(container == null ? "" : container).build());
            if (output == OutputFormat.json) {
                printJson(r);
                return;
            }
            PrintWriter out = out();
            Table t = new Table("CONTAINER", "DIR", "LAYER", "PROTO", "SOURCE", "DESTINATION", "RULE", "PACKETS", "BYTES", "FIRST SEEN", "LAST SEEN");
            for (Flow f : r.getFlowsList()) {
                t.row(f.getContainerName(), f.getDirection(), f.getLayer(), f.getProtocol(), endpoint(f.getSource(), f.getSourcePort()),
                        endpoint(f.getDestination(), f.getDestinationPort()), f.getRule(), f.getPackets(), f.getBytes(), f.getFirstSeen(), f.getLastSeen());
            }
            t.print(out);
            out.flush();
        }

        private static String endpoint(String addr, int port) {
            String a = addr.contains(":") ? "[" + addr + "]" : addr;
            return port == 0 ? a : a + ":" + port;
        }
    }

    @Command(name = "stats", mixinStandardHelpOptions = true, description = "Packets and bytes allowed and dropped, per container and rule.")
    static final class Stats extends ClientCommand {
        @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table", description = "table (default) or json.")
        OutputFormat output;

        @Override
        void run(ApiClient client) {
            NetStats s = client.net().getNetStats(GetNetStatsRequest.getDefaultInstance());
            if (output == OutputFormat.json) {
                printJson(s);
                return;
            }
            PrintWriter out = out();
            out.println("network protection: " + s.getStatus().getMode() + ", " + s.getStatus().getInterfaces() + " interfaces, "
                    + s.getStatus().getContainers() + " containers, " + s.getFlowRecords() + " blocked-flow records");
            s.getStatus().getFailuresMap().forEach((c, why) -> out.println("NOT IN FORCE on " + c + ": " + why));
            out.println();
            Table t = new Table("CONTAINER", "RULE", "DIR", "ACTION", "LAYER", "PACKETS", "BYTES");
            for (NetCounter c : s.getCountersList()) {
                t.row(c.getContainerName(), c.getRule(), c.getDirection(), c.getAction(), c.getLayer(), c.getPackets(), c.getBytes());
            }
            t.print(out);
            out.println();
            Table e = new Table("KERNEL ERROR", "COUNT");
            s.getKernelErrorsMap().forEach(e::row);
            e.print(out);
            out.flush();
        }
    }
}

package dev.vigil.cli;

import dev.vigil.api.v1.Bucket;
import dev.vigil.api.v1.Count;
import dev.vigil.api.v1.GetStatsRequest;
import dev.vigil.api.v1.StatsResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.time.Instant;

@Command(name = "stats", mixinStandardHelpOptions = true, description = "Top rules, top containers and blocked actions over time, from the store.")
final class StatsCommand extends ClientCommand {
    @Option(names = "--since", paramLabel = "DURATION", defaultValue = "24h", description = "How far back (default 24h).")
    String since;

    @Option(names = "--bucket", paramLabel = "DURATION", defaultValue = "1h", description = "Width of a time bucket (default 1h).")
    String bucket;

    @Option(names = "--top", paramLabel = "N", defaultValue = "10", description = "Entries in each top list (default 10).")
    int top;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table", description = "table (default) or json.")
    OutputFormat output;

    @Override
    void run(ApiClient client) {
        StatsResponse r = client.events().getStats(GetStatsRequest.newBuilder()
                .setSinceUnixMillis(Instant.now().minus(Durations.parse(since)).toEpochMilli())
                .setBucketSeconds(Durations.parse(bucket).toSeconds()).setTop(top).build());
        if (output == OutputFormat.json) {
            printJson(r);
            return;
        }
        PrintWriter out = out();
        out.println("events: " + r.getTotal());
        out.println();
        Table rules = new Table("TOP RULE", "COUNT");
        for (Count c : r.getTopRulesList()) rules.row(c.getKey(), c.getCount());
        rules.print(out);
        out.println();
        Table containers = new Table("TOP CONTAINER", "COUNT");
        for (Count c : r.getTopContainersList()) containers.row(c.getKey(), c.getCount());
        containers.print(out);
        out.println();
        Table buckets = new Table("FROM", "BLOCKED", "ALERTED");
        for (Bucket b : r.getBlockedOverTimeList()) buckets.row(b.getStart(), b.getBlocked(), b.getAlerted());
        buckets.print(out);
    }
}

package dev.vigil.cli;

import dev.vigil.api.v1.QueryAlertsRequest;
import dev.vigil.api.v1.QueryEventsResponse;
import dev.vigil.api.v1.StoredEvent;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Instant;

@Command(name = "alerts", mixinStandardHelpOptions = true, description = "Show stored alerts, newest first.")
final class AlertsCommand extends ClientCommand {
    @Option(names = "--since", paramLabel = "DURATION", defaultValue = "24h", description = "How far back, e.g. 15m, 2h, 7d (default 24h).")
    String since;

    @Option(names = "--rule", paramLabel = "R", description = "Only this rule.")
    String rule = "";

    @Option(names = "--container", paramLabel = "C", description = "Container id, id prefix or name.")
    String container = "";

    @Option(names = "--limit", paramLabel = "N", defaultValue = "100", description = "At most this many (default 100).")
    int limit;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table", description = "table (default) or json.")
    OutputFormat output;

    @Override
    void run(ApiClient client) {
        long sinceMillis = Instant.now().minus(Durations.parse(since)).toEpochMilli();
        QueryEventsResponse r = client.events().queryAlerts(QueryAlertsRequest.newBuilder().setSinceUnixMillis(sinceMillis)
                .setRule(rule).setContainer(container).setLimit(limit).build());
        if (output == OutputFormat.json) {
            for (StoredEvent e : r.getEventsList()) out().println(e.getJson());
            out().flush();
            return;
        }
        Table t = new Table("TIME", "PRIORITY", "RULE", "ACTION", "CONTAINER", "BINARY");
        for (StoredEvent e : r.getEventsList()) {
            t.row(e.getTime(), e.getPriority(), e.getRule(), e.getAction(), e.getContainerName().isEmpty() ? e.getContainerId() : e.getContainerName(), e.getBinary());
        }
        t.print(out());
    }
}

package dev.vigil.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.api.v1.Event;
import dev.vigil.api.v1.EventFilter;
import dev.vigil.api.v1.QueryEventsRequest;
import dev.vigil.api.v1.QueryEventsResponse;
import dev.vigil.api.v1.StoredEvent;
import dev.vigil.api.v1.SubscribeRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.Iterator;
import java.util.List;

@Command(name = "events", mixinStandardHelpOptions = true,
        description = {"Show stored events (newest first), or with --follow stream live events as they happen.",
                "Filters apply to both; --pod, --binary and --severity only to --follow."})
final class EventsCommand extends ClientCommand {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = {"-f", "--follow"}, description = "Stream live events until interrupted.")
    boolean follow;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "compact", description = "compact (default) or json (one event per line, docs/events.md).")
    Format output;

    @Option(names = "--type", paramLabel = "TYPE", split = ",", description = "Event types, e.g. process_exec (repeatable or comma-separated).")
    List<String> types = List.of();

    @Option(names = "--container", paramLabel = "C", description = "Container id, id prefix or name.")
    String container = "";

    @Option(names = "--pod", paramLabel = "P", description = "Pod name.")
    String pod = "";

    @Option(names = "--namespace", paramLabel = "N", description = "Pod namespace.")
    String namespace = "";

    @Option(names = "--binary", paramLabel = "B", description = "Binary path: a glob (*, ?, [..]) or a substring.")
    String binary = "";

    @Option(names = "--severity", paramLabel = "S", description = "Minimum severity: low, medium, high, critical. Events without one are then left out.")
    String severity = "";

    @Option(names = "--limit", paramLabel = "N", defaultValue = "100", description = "Stored events to show at most (default 100).")
    int limit;

    enum Format { compact, json }

    @Override
    void run(ApiClient client) {
        PrintWriter out = out();
        if (follow) {
            EventFilter filter = EventFilter.newBuilder().addAllTypes(types).setContainer(container).setPod(pod).setNamespace(namespace)
                    .setBinary(binary).setMinSeverity(severity).build();
            Iterator<Event> it = client.events().subscribe(SubscribeRequest.newBuilder().setFilter(filter).build());
            while (it.hasNext()) {
                Event e = it.next();
                out.println(output == Format.json ? e.getJson() : compact(e.getJson()));
                out.flush();
            }
            return;
        }
        if (!pod.isEmpty() || !binary.isEmpty() || !severity.isEmpty()) {
            throw new CliException(ExitCodes.USAGE, "--pod, --binary and --severity need --follow (stored events are filtered by type, container and namespace)");
        }
        QueryEventsResponse r = client.events().queryEvents(QueryEventsRequest.newBuilder().addAllTypes(types).setContainer(container)
                .setPodNamespace(namespace).setLimit(limit).build());
        for (StoredEvent e : r.getEventsList()) out.println(output == Format.json ? e.getJson() : compact(e.getJson()));
        out.flush();
    }

    /** One short line per event for people: time, type, container, and what happened. */
    static String compact(String json) {
        try {
            JsonNode e = JSON.readTree(json);
            StringBuilder b = new StringBuilder().append(e.path("time").asText()).append(' ').append(e.path("type").asText());
            JsonNode c = e.path("container");
            if (c.isObject()) {
                String name = c.path("name").asText();
                b.append(' ').append(name.isEmpty() ? c.path("id").asText().substring(0, Math.min(12, c.path("id").asText().length())) : name);
            } else {
                b.append(" host");
            }
            JsonNode p = e.path("process");
            if (p.isObject()) {
                b.append(" pid=").append(p.path("pid").asText()).append(' ').append(p.path("binary").asText());
                for (JsonNode a : p.path("args")) b.append(' ').append(a.asText());
            }
            JsonNode findings = e.path("findings");
            if (findings.isArray()) for (JsonNode f : findings) b.append(' ').append(f.path("id").asText());
            return b.toString();
        } catch (IOException e) {
            return json;
        }
    }
}

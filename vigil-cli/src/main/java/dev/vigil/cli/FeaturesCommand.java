package dev.vigil.cli;

import dev.vigil.api.v1.ListFeaturesRequest;
import dev.vigil.api.v1.ListFeaturesResponse;
import dev.vigil.api.v1.Sensor;
import dev.vigil.api.v1.SetFeatureRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;

@Command(name = "features", mixinStandardHelpOptions = true,
        description = {"List the sensors, or switch one at runtime:",
                "  vigil features disable NAME   detach and unload its BPF programs",
                "  vigil features enable NAME    load and attach them again"})
final class FeaturesCommand extends ClientCommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "ACTION", description = "enable or disable")
    Action action;

    @Parameters(index = "1", arity = "0..1", paramLabel = "NAME", description = "sensor name, as listed")
    String name;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table", description = "table (default) or json.")
    OutputFormat output;

    enum Action { enable, disable }

    @Override
    void run(ApiClient client) {
        if (action == null) {
            ListFeaturesResponse r = client.features().listFeatures(ListFeaturesRequest.getDefaultInstance());
            if (output == OutputFormat.json) printJson(r);
            else sensorTable(r.getSensorsList()).print(out());
            return;
        }
        if (name == null) throw new CliException(ExitCodes.USAGE, "features " + action + " needs a sensor NAME");
        Sensor s = client.features().setFeature(SetFeatureRequest.newBuilder().setName(name).setEnabled(action == Action.enable).build());
        if (output == OutputFormat.json) printJson(s);
        else sensorTable(List.of(s)).print(out());
    }

    static Table sensorTable(List<Sensor> sensors) {
        Table t = new Table("SENSOR", "STATE", "MODE", "DETAIL");
        for (Sensor s : sensors) {
            t.row(s.getName(), StatusCommand.state(s), s.getEnforcementMode(),
                    s.getProgramsCount() > 0 ? String.join(", ", s.getProgramsList()) : s.getReason());
        }
        return t;
    }
}

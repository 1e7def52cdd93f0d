package dev.vigil.cli;

import dev.vigil.agent.Agent;
import dev.vigil.agent.config.AgentConfig;
import dev.vigil.agent.config.ConfigLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "agent", mixinStandardHelpOptions = true,
        description = "Run the agent in the foreground (root). SIGINT or SIGTERM detaches every program and exits.")
final class AgentCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration over the embedded defaults.")
    Path config;

    @Option(names = {"-o", "--output"}, paramLabel = "PATH", description = "Append JSON lines to PATH instead of stdout.")
    String output;

    @Option(names = "--format", paramLabel = "FORMAT", description = "json (default) or compact.")
    String format;

    @Option(names = "--print-config", description = "Print the effective configuration and exit.")
    boolean printConfig;

    @Override
    public Integer call() throws Exception {
        Map<String, Object> overrides = new LinkedHashMap<>();
        if (output != null) overrides.put("output.path", output);
        if (format != null) overrides.put("output.format", format);
        AgentConfig effective = ConfigLoader.load(config, overrides);
        if (printConfig) {
            System.out.print(ConfigLoader.toYaml(effective));
            return 0;
        }
        Agent agent = Agent.start(effective, List.of());
        Runtime.getRuntime().addShutdownHook(new Thread(agent::close, "vigil-shutdown"));
        agent.awaitStopped();
        return 0;
    }
}

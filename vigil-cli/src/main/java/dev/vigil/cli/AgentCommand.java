package dev.vigil.cli;

import dev.vigil.agent.Agent;
import dev.vigil.agent.config.AgentConfig;
import dev.vigil.agent.config.ConfigLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

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

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Map<String, Object> overrides = new LinkedHashMap<>();
        if (output != null) overrides.put("output.path", output);
        if (format != null) overrides.put("output.format", format);
        Path socket = ((Main) spec.root().userObject()).socketOption();
        if (socket != null) overrides.put("api.socket", socket.toString());
        AgentConfig effective = ConfigLoader.load(config, overrides);
        if (printConfig) {
            System.out.print(ConfigLoader.toYaml(effective));
            return 0;
        }
        // The hook is in place before anything is attached: a SIGTERM during start-up waits for
        // the start to finish and then detaches, instead of leaving with nothing said.
        AtomicReference<Agent> running = new AtomicReference<>();
        CountDownLatch started = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                if (started.await(60, TimeUnit.SECONDS) && running.get() != null) running.get().close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "vigil-shutdown"));
        Agent agent;
        try {
            agent = Agent.start(effective, List.of());
            running.set(agent);
        } finally {
            started.countDown();
        }
        System.getLogger(AgentCommand.class.getName()).log(System.Logger.Level.INFO, "running");
        agent.awaitStopped();
        return 0;
    }
}

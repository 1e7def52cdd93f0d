package dev.vigil.cli;

import io.grpc.StatusRuntimeException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import java.nio.file.Path;

/**
 * The vigil command. Exit codes (docs/cli.md): 0 ok, 1 error, 2 usage, 3 agent not running,
 * 4 permission denied, 5 not found, 6 invalid input.
 */
@Command(name = "vigil", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Container runtime security on eBPF.",
        subcommands = {AgentCommand.class, StatusCommand.class, FeaturesCommand.class, EventsCommand.class, ContainersCommand.class,
                PolicyCommand.class, NetCommand.class, RulesCommand.class, AlertsCommand.class, StatsCommand.class, CompletionCommand.class, CommandLine.HelpCommand.class})
public final class Main {
    static final Path DEFAULT_SOCKET = Path.of("/run/vigil/vigil.sock");

    private Path socket = DEFAULT_SOCKET;
    private boolean socketGiven;

    @Option(names = "--socket", paramLabel = "PATH", scope = ScopeType.INHERIT,
            description = "The agent's API socket (default /run/vigil/vigil.sock, or $VIGIL_SOCKET).")
    void socket(Path path) {
        this.socket = path;
        this.socketGiven = true;
    }

    /** The --socket given on the command line, or null: `vigil agent --socket` then overrides api.socket. */
    Path socketOption() {
        return socketGiven ? socket : null;
    }

    Path socket() {
        return socket;
    }

    public Main() {
        String env = System.getenv("VIGIL_SOCKET");
        if (env != null && !env.isBlank()) socket = Path.of(env);
    }

    /** The configured command line; tests run it in-process with their own out and err. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            Throwable cause = e;
            if (cause instanceof StatusRuntimeException s) cause = ExitCodes.fromStatus(s, ((Main) cmd.getCommandSpec().root().userObject()).socket().toString());
            if (cause instanceof CliException c) {
                cmd.getErr().println("vigil: " + c.getMessage());
                cmd.getErr().flush();
                return c.exitCode;
            }
            cmd.getErr().println("vigil: " + (cause.getMessage() == null ? cause.toString() : cause.getMessage()));
            cmd.getErr().flush();
            return ExitCodes.ERROR;
        });
        return cl;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}

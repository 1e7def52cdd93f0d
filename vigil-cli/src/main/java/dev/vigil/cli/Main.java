package dev.vigil.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The vigil command. Exit codes: 0 success, 1 runtime failure, 2 usage error. */
@Command(name = "vigil", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Container runtime security on eBPF.",
        subcommands = {AgentCommand.class, CommandLine.HelpCommand.class})
public final class Main {
    public static void main(String[] args) {
        int code = new CommandLine(new Main())
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    cmd.getErr().println("vigil: " + e.getMessage());
                    return 1;
                })
                .execute(args);
        System.exit(code);
    }
}

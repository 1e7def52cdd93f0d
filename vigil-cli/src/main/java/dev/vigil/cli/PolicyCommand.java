package dev.vigil.cli;

import dev.vigil.api.v1.ApplyPolicyRequest;
import dev.vigil.api.v1.ApplyPolicyResponse;
import dev.vigil.api.v1.DeletePolicyRequest;
import dev.vigil.api.v1.GetPolicyRequest;
import dev.vigil.api.v1.ListPoliciesRequest;
import dev.vigil.api.v1.ListPoliciesResponse;
import dev.vigil.api.v1.Policy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

@Command(name = "policy", mixinStandardHelpOptions = true, description = "Apply, list, show and delete runtime policies (docs/policy.md).",
        subcommands = {PolicyCommand.Apply.class, PolicyCommand.ListCmd.class, PolicyCommand.Get.class, PolicyCommand.Delete.class})
final class PolicyCommand {

    @Command(name = "apply", mixinStandardHelpOptions = true, description = "Validate and apply a policy file; an invalid one changes nothing.")
    static final class Apply extends ClientCommand {
        @Option(names = {"-f", "--file"}, required = true, paramLabel = "FILE", description = "The policy YAML.")
        Path file;

        @Override
        void run(ApiClient client) {
            String yaml;
            try {
                yaml = Files.readString(file);
            } catch (IOException e) {
                throw new CliException(ExitCodes.INVALID_INPUT, "cannot read " + file + ": " + e.getMessage());
            }
            ApplyPolicyResponse r = client.policies().applyPolicy(ApplyPolicyRequest.newBuilder().setYaml(yaml).setSourceFile(file.toString()).build());
            out().println("policy " + r.getPolicy().getName() + (r.getCreated() ? " created" : " replaced"));
            out().flush();
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the policies in force.")
    static final class ListCmd extends ClientCommand {
        @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table", description = "table (default) or json.")
        OutputFormat output;

        @Override
        void run(ApiClient client) {
            ListPoliciesResponse r = client.policies().listPolicies(ListPoliciesRequest.getDefaultInstance());
            if (output == OutputFormat.json) {
                printJson(r);
                return;
            }
            Table t = new Table("NAME", "APPLIED", "SOURCE");
            for (Policy p : r.getPoliciesList()) t.row(p.getName(), p.getAppliedAt(), p.getSourceFile());
            t.print(out());
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Print a policy as applied.")
    static final class Get extends ClientCommand {
        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table", description = "table (the YAML; default) or json.")
        OutputFormat output;

        @Override
        void run(ApiClient client) {
            Policy p = client.policies().getPolicy(GetPolicyRequest.newBuilder().setName(name).build());
            if (output == OutputFormat.json) printJson(p);
            else {
                out().print(p.getYaml().endsWith("\n") ? p.getYaml() : p.getYaml() + "\n");
                out().flush();
            }
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a policy.")
    static final class Delete extends ClientCommand {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        void run(ApiClient client) {
            client.policies().deletePolicy(DeletePolicyRequest.newBuilder().setName(name).build());
            out().println("policy " + name + " deleted");
            out().flush();
        }
    }
}

package dev.vigil.cli;

import dev.vigil.api.v1.Container;
import dev.vigil.api.v1.ContainerConfig;
import dev.vigil.api.v1.ContainerDetail;
import dev.vigil.api.v1.InspectContainerRequest;
import dev.vigil.api.v1.ListContainersRequest;
import dev.vigil.api.v1.ListContainersResponse;
import dev.vigil.api.v1.Mount;
import dev.vigil.api.v1.RiskFinding;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;

@Command(name = "containers", mixinStandardHelpOptions = true,
        description = {"List the containers the agent knows, or inspect one:", "  vigil containers inspect ID|PREFIX|NAME"})
final class ContainersCommand extends ClientCommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "inspect")
    String action;

    @Parameters(index = "1", arity = "0..1", paramLabel = "ID")
    String id;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table", description = "table (default) or json.")
    OutputFormat output;

    @Override
    void run(ApiClient client) {
        if (action == null) {
            ListContainersResponse r = client.containers().listContainers(ListContainersRequest.getDefaultInstance());
            if (output == OutputFormat.json) {
                printJson(r);
                return;
            }
            Table t = new Table("ID", "NAME", "IMAGE", "POD", "RUNTIME", "STATE");
            for (Container c : r.getContainersList()) {
                t.row(c.getId().substring(0, Math.min(12, c.getId().length())), c.getName(), c.getImage(),
                        c.getPodName().isEmpty() ? "" : c.getPodNamespace() + "/" + c.getPodName(), c.getRuntime(), c.getRunning() ? "running" : "stopped");
            }
            t.print(out());
            return;
        }
        if (!action.equals("inspect") || id == null) throw new CliException(ExitCodes.USAGE, "usage: vigil containers [inspect ID]");
        ContainerDetail d = client.containers().inspectContainer(InspectContainerRequest.newBuilder().setId(id).build());
        if (output == OutputFormat.json) {
            printJson(d);
            return;
        }
        PrintWriter out = out();
        Container c = d.getContainer();
        out.println("id:        " + c.getId());
        out.println("name:      " + c.getName());
        out.println("image:     " + c.getImage() + (c.getImageId().isEmpty() ? "" : " (" + c.getImageId() + ")"));
        out.println("runtime:   " + c.getRuntime() + ", " + (c.getRunning() ? "running" : "stopped") + ", init pid " + c.getInitPid());
        if (!c.getPodName().isEmpty()) out.println("pod:       " + c.getPodNamespace() + "/" + c.getPodName());
        out.println("started:   " + c.getStartedAt());
        out.println("cgroup:    " + c.getCgroupPath());
        c.getLabelsMap().forEach((k, v) -> out.println("label:     " + k + "=" + v));
        if (d.hasConfig()) {
            ContainerConfig cfg = d.getConfig();
            out.println("privileged: " + cfg.getPrivileged() + ", host pid/net/ipc: " + cfg.getHostPid() + "/" + cfg.getHostNet() + "/" + cfg.getHostIpc());
            out.println("cap add:   " + String.join(",", cfg.getCapAddList()));
            out.println("user:      " + (cfg.getUser().isEmpty() ? "(image default)" : cfg.getUser()) + ", read-only rootfs: " + cfg.getReadonlyRootfs());
            out.println("seccomp:   " + cfg.getSeccompProfile() + ", network: " + cfg.getNetworkMode());
            for (Mount m : cfg.getMountsList()) out.println("mount:     " + m.getSource() + " -> " + m.getDestination() + (m.getReadWrite() ? " (rw)" : " (ro)"));
            out.println();
            Table t = new Table("RISK", "SEVERITY", "SUBJECT", "WHY");
            for (RiskFinding f : d.getFindingsList()) t.row(f.getId(), f.getSeverity(), f.getSubject(), f.getMessage());
            t.print(out);
        } else {
            out.println("config:    not known (the runtime API was not reachable)");
        }
        out.flush();
    }
}

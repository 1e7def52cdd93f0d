package dev.vigil.containers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class DockerJsonTest {

    static final String ID = CgroupPathsTest.ID;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** A risky container as Docker 24 reports it (trimmed to fields that matter plus noise). */
    static String riskyInspect(String id) {
        return """
                {
                  "Id": "%s",
                  "Created": "2024-05-01T10:00:00.123456789Z",
                  "Path": "sleep",
                  "State": {"Status": "running", "Running": true, "Pid": 4242,
                            "StartedAt": "2024-05-01T10:00:01.5Z", "FinishedAt": "0001-01-01T00:00:00Z"},
                  "Image": "sha256:aaaa",
                  "Name": "/web-1",
                  "HostConfig": {
                    "Binds": ["/:/host:ro"],
                    "NetworkMode": "host",
                    "CapAdd": ["SYS_ADMIN", "NET_ADMIN"],
                    "CapDrop": null,
                    "IpcMode": "host",
                    "PidMode": "host",
                    "Privileged": true,
                    "ReadonlyRootfs": false,
                    "SecurityOpt": ["label=disable", "seccomp=unconfined"]
                  },
                  "Mounts": [
                    {"Type": "bind", "Source": "/", "Destination": "/host", "Mode": "ro", "RW": false, "Propagation": "rprivate"},
                    {"Type": "bind", "Source": "/var/run/docker.sock", "Destination": "/var/run/docker.sock", "RW": true}
                  ],
                  "Config": {
                    "Hostname": "abc", "User": "0:0", "Image": "nginx:1.25",
                    "Labels": {"io.kubernetes.pod.name": "web", "io.kubernetes.pod.namespace": "shop",
                               "io.kubernetes.pod.uid": "u-123", "team": "payments", "weird": null}
                  }
                }
                """.formatted(id);
    }

    static String plainInspect(String id, String name, boolean running) {
        return """
                {"Id": "%s", "Name": "/%s", "Image": "sha256:bbbb",
                 "State": {"Running": %s, "Pid": %d, "StartedAt": "2024-05-01T10:00:01+02:00"},
                 "HostConfig": {"NetworkMode": "bridge", "PidMode": "", "IpcMode": "private", "CapAdd": null,
                                "Privileged": false, "SecurityOpt": null},
                 "Mounts": [],
                 "Config": {"User": "", "Image": "busybox", "Labels": {}}}
                """.formatted(id, name, running, running ? 77 : 0);
    }

    private static JsonNode json(String s) throws IOException {
        return MAPPER.readTree(s);
    }

    @Test
    void mapsInspectOfRiskyContainer() throws IOException {
        ContainerInfo c = DockerJson.fromInspect(json(riskyInspect(ID)), Runtimes.DOCKER);
        assertThat(c.id()).isEqualTo(ID);
        assertThat(c.name()).isEqualTo("web-1");
        assertThat(c.image()).isEqualTo("nginx:1.25");
        assertThat(c.imageId()).isEqualTo("sha256:aaaa");
        assertThat(c.labels()).containsEntry("team", "payments").doesNotContainKey("weird").hasSize(4);
        assertThat(c.pod()).isEqualTo(new PodInfo("web", "shop", "u-123"));
        assertThat(c.runtime()).isEqualTo("docker");
        assertThat(c.initPid()).isEqualTo(4242);
        assertThat(c.startedAt()).isEqualTo(Instant.parse("2024-05-01T10:00:01.5Z"));
        assertThat(c.cgroupPath()).isNull();

        ContainerConfig cfg = c.config();
        assertThat(cfg.privileged()).isTrue();
        assertThat(cfg.capAdd()).containsExactly("SYS_ADMIN", "NET_ADMIN");
        assertThat(cfg.hostPid()).isTrue();
        assertThat(cfg.hostNet()).isTrue();
        assertThat(cfg.hostIpc()).isTrue();
        assertThat(cfg.networkMode()).isEqualTo("host");
        assertThat(cfg.mounts()).containsExactly(
                new ContainerConfig.Mount("/", "/host", false),
                new ContainerConfig.Mount("/var/run/docker.sock", "/var/run/docker.sock", true));
        assertThat(cfg.user()).isEqualTo("0:0");
        assertThat(cfg.readonlyRootfs()).isFalse();
        assertThat(cfg.seccompProfile()).isEqualTo("unconfined");
    }

    @Test
    void mapsPlainContainer() throws IOException {
        ContainerInfo c = DockerJson.fromInspect(json(plainInspect(ID, "quiet", true)), Runtimes.PODMAN);
        assertThat(c.name()).isEqualTo("quiet");
        assertThat(c.pod()).isNull();
        assertThat(c.labels()).isEmpty();
        assertThat(c.startedAt()).isEqualTo(Instant.parse("2024-05-01T08:00:01Z"));
        ContainerConfig cfg = c.config();
        assertThat(cfg.privileged()).isFalse();
        assertThat(cfg.capAdd()).isEmpty();
        assertThat(cfg.hostPid() || cfg.hostNet() || cfg.hostIpc()).isFalse();
        assertThat(cfg.seccompProfile()).isEqualTo(ContainerConfig.SECCOMP_DEFAULT);
        assertThat(cfg.mounts()).isEmpty();
    }

    @Test
    void stoppedContainerHasNoPidOrStartTimeSentinel() throws IOException {
        JsonNode n = json("""
                {"Id": "%s", "State": {"Running": false, "Pid": 0, "StartedAt": "0001-01-01T00:00:00Z"}}
                """.formatted(ID));
        ContainerInfo c = DockerJson.fromInspect(n, Runtimes.DOCKER);
        assertThat(c.initPid()).isZero();
        assertThat(c.startedAt()).isNull();
        assertThat(c.name()).isEmpty();
        assertThat(c.image()).isEmpty();
    }

    @Test
    void bindsAreUsedWhenMountsAreAbsent() throws IOException {
        JsonNode n = json("""
                {"Id": "%s", "HostConfig": {"Binds": ["/etc:/host-etc:ro,rprivate", "/data:/data", "bad"]}}
                """.formatted(ID));
        assertThat(DockerJson.fromInspect(n, Runtimes.DOCKER).config().mounts()).containsExactly(
                new ContainerConfig.Mount("/etc", "/host-etc", false),
                new ContainerConfig.Mount("/data", "/data", true));
    }

    @Test
    void seccompOptionSpellings() {
        assertThat(DockerJson.seccomp(List.of("seccomp:unconfined"))).isEqualTo("unconfined");
        assertThat(DockerJson.seccomp(List.of("seccomp=/p.json"))).isEqualTo("/p.json");
        assertThat(DockerJson.seccomp(List.of("no-new-privileges"))).isEqualTo(ContainerConfig.SECCOMP_DEFAULT);
    }

    @Test
    void listIds() throws IOException {
        assertThat(DockerJson.idsFromList(json("[{\"Id\":\"a\"},{\"Names\":[\"/x\"]},{\"Id\":\"b\"}]")))
                .containsExactly("a", "b");
    }

    @Test
    void dockerEvents() throws IOException {
        String docker = """
                {"status":"%s","id":"%s","from":"nginx","Type":"container","Action":"%s",
                 "Actor":{"ID":"%s","Attributes":{"name":"web"}},"scope":"local","time":1714557600}
                """;
        assertThat(DockerJson.toEvent(json(docker.formatted("start", ID, "start", ID))))
                .contains(new RuntimeEvent(RuntimeEvent.Kind.START, ID, Map.of("name", "web")));
        assertThat(DockerJson.toEvent(json(docker.formatted("die", ID, "die", ID))))
                .map(RuntimeEvent::kind).contains(RuntimeEvent.Kind.STOP);
        assertThat(DockerJson.toEvent(json(docker.formatted("destroy", ID, "destroy", ID))))
                .map(RuntimeEvent::kind).contains(RuntimeEvent.Kind.DESTROY);
        assertThat(DockerJson.toEvent(json(docker.formatted("create", ID, "create", ID)))).isEmpty();
        assertThat(DockerJson.toEvent(json(docker.formatted("exec_start: sh", ID, "exec_start: sh", ID)))).isEmpty();
    }

    @Test
    void eventAttributesDescribeAContainerThatIsAlreadyGone() throws IOException {
        RuntimeEvent e = DockerJson.toEvent(json("""
                {"Type":"container","Action":"start","Actor":{"ID":"%s","Attributes":{
                  "name":"job-7","image":"alpine:3","io.kubernetes.pod.name":"p","io.kubernetes.pod.namespace":"n",
                  "containerExitCode":"0","podId":""}}}
                """.formatted(ID))).orElseThrow();
        ContainerInfo c = DockerJson.fromEvent(e, Runtimes.PODMAN);
        assertThat(c.id()).isEqualTo(ID);
        assertThat(c.name()).isEqualTo("job-7");
        assertThat(c.image()).isEqualTo("alpine:3");
        assertThat(c.labels()).containsOnlyKeys("io.kubernetes.pod.name", "io.kubernetes.pod.namespace");
        assertThat(c.pod()).isEqualTo(new PodInfo("p", "n", ""));
        assertThat(c.config()).isNull();
    }

    @Test
    void podmanEventsSayRemove() throws IOException {
        JsonNode n = json("""
                {"status":"remove","id":"%s","Type":"container","Action":"remove","Actor":{"ID":"%s"}}
                """.formatted(ID, ID));
        assertThat(DockerJson.toEvent(n)).contains(new RuntimeEvent(RuntimeEvent.Kind.DESTROY, ID));
    }

    @Test
    void nonContainerEventsAndJunkAreIgnored() throws IOException {
        assertThat(DockerJson.toEvent(json("{\"Type\":\"network\",\"Action\":\"connect\",\"Actor\":{\"ID\":\"n\"}}"))).isEmpty();
        assertThat(DockerJson.toEvent(json("{\"Action\":\"start\"}"))).isEmpty();
        assertThat(DockerJson.toEvent(json("[1,2]"))).isEmpty();
        // Pre-1.22 events have only status and id.
        assertThat(DockerJson.toEvent(json("{\"status\":\"start\",\"id\":\"" + ID + "\"}")))
                .contains(new RuntimeEvent(RuntimeEvent.Kind.START, ID));
    }

    @Test
    void runtimeFromVersion() throws IOException {
        assertThat(DockerJson.runtimeFromVersion(json("""
                {"Platform":{"Name":"linux/amd64/debian-12"},"Components":[{"Name":"Podman Engine","Version":"4.3.1"}]}
                """))).isEqualTo(Runtimes.PODMAN);
        assertThat(DockerJson.runtimeFromVersion(json("""
                {"Platform":{"Name":"Docker Engine - Community"},"Components":[{"Name":"Engine"},{"Name":"containerd"}]}
                """))).isEqualTo(Runtimes.DOCKER);
    }

    @Test
    void podFromLabels() {
        assertThat(PodInfo.fromLabels(Map.of("io.kubernetes.pod.name", "p"))).isEqualTo(new PodInfo("p", "", ""));
        assertThat(PodInfo.fromLabels(Map.of("app", "x"))).isNull();
    }
}

package dev.vigil.agent.api;

import dev.vigil.api.v1.EventFilter;
import dev.vigil.containers.ContainerInfo;
import dev.vigil.containers.PodInfo;
import dev.vigil.containers.RiskFinding;
import dev.vigil.events.container.ContainerEvent;
import dev.vigil.events.process.ProcessEvent;
import dev.vigil.events.process.ProcessInfo;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventMatcherTest {
    static final ContainerInfo WEB = new ContainerInfo("a".repeat(64), "web-1", "nginx", "", Map.of(), new PodInfo("web-pod", "prod", "u"),
            "docker", 1, null, null, null);

    static ProcessEvent.Exec exec(String binary, ContainerInfo c) {
        ProcessInfo p = new ProcessInfo("id", "", 1, 1, 10, 1, 10, 0, 0, 0, 0, binary, List.of(binary), false, "/", 0, 1, dev.vigil.events.process.Namespaces.UNKNOWN, c);
        return new ProcessEvent.Exec(1, p, null);
    }

    static boolean matches(EventFilter f, dev.vigil.events.Event e) {
        return new EventMatcher(f).matches(e);
    }

    @Test
    void everyCriterionMustHold() {
        EventFilter f = EventFilter.newBuilder().addTypes("process_exec").setBinary("*sh").setNamespace("prod").build();
        assertThat(matches(f, exec("/bin/bash", WEB))).isTrue();
        assertThat(matches(f, exec("/bin/ls", WEB))).isFalse();
        assertThat(matches(f, exec("/bin/bash", null))).isFalse();
        assertThat(matches(EventFilter.newBuilder().setBinary("bas").build(), exec("/bin/bash", null))).isTrue();
        assertThat(matches(EventFilter.newBuilder().setContainer("aaaa").build(), exec("/x", WEB))).isTrue();
        assertThat(matches(EventFilter.newBuilder().setContainer("web-1").build(), exec("/x", WEB))).isTrue();
        assertThat(matches(EventFilter.newBuilder().setPod("other").build(), exec("/x", WEB))).isFalse();
    }

    @Test
    void eventsWithoutSeverityPassOnlyWithoutAMinimum() {
        ContainerEvent risky = new ContainerEvent(ContainerEvent.Kind.RISK, 1, WEB,
                List.of(new RiskFinding("privileged", RiskFinding.Severity.CRITICAL, "", "privileged")));
        EventFilter high = EventFilter.newBuilder().setMinSeverity("high").build();
        assertThat(matches(high, risky)).isTrue();
        assertThat(matches(high, exec("/bin/sh", WEB))).isFalse();
        assertThat(matches(EventFilter.getDefaultInstance(), exec("/bin/sh", WEB))).isTrue();
        assertThatThrownBy(() -> new EventMatcher(EventFilter.newBuilder().setMinSeverity("urgent").build()))
                .hasMessageContaining("unknown severity");
    }
}

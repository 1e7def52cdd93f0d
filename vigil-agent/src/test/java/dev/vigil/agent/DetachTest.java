package dev.vigil.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Closing the agent leaves nothing of it in the kernel, as bpftool sees it. */
@Tag("kernel")
class DetachTest {
    @Test
    void closeDetachesEveryProgram() throws Exception {
        // An agent closed by an earlier test may still be freed by the kernel: wait for that first.
        assertThat(gone("prog")).as("no agent running before the test").isEmpty();
        assertThat(gone("map")).as("no agent maps before the test").isEmpty();
        Agent agent = Agent.start(TestConfigs.load(Map.of("output.path", "/dev/null")), List.of());
        try {
            assertThat(vigilPrograms()).contains("vigil_exec", "vigil_fork", "vigil_exit");
        } finally {
            agent.close();
        }
        // The kernel frees programs and maps after an RCU grace period, not at close().
        assertThat(gone("prog")).as("programs left behind").isEmpty();
        assertThat(gone("map")).as("maps left behind").isEmpty();
    }

    private static List<String> gone(String kind) throws Exception {
        List<String> left = vigilObjects(kind);
        for (int i = 0; i < 50 && !left.isEmpty(); i++) {
            Thread.sleep(100);
            left = vigilObjects(kind);
        }
        return left;
    }

    static List<String> vigilPrograms() throws Exception {
        return vigilObjects("prog");
    }

    static List<String> vigilObjects(String kind) throws Exception {
        Process p = new ProcessBuilder("bpftool", "-j", kind, "show").redirectErrorStream(false).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor()).isZero();
        List<String> names = new ArrayList<>();
        for (JsonNode prog : new ObjectMapper().readTree(out)) {
            String name = prog.path("name").asText();
            if (name.startsWith("vigil_")) names.add(name);
        }
        return names;
    }
}

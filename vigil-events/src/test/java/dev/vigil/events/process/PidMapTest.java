package dev.vigil.events.process;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class PidMapTest {
    private static ProcessInfo proc(int pid, long ktime) {
        return new ProcessInfo("id", "", ktime, ktime, pid, 1, pid, 0, 0, 0, 0, "/bin/x", List.of(), false, "/", 0, 0, Namespaces.UNKNOWN, null);
    }

    /** Random puts and removes over a small pid range (long probe runs, wrap-around) agree with a HashMap throughout. */
    @Test
    void agreesWithAHashMapUnderChurn() {
        Random random = new Random(7);
        PidMap map = new PidMap(16);
        Map<Integer, ProcessInfo> reference = new HashMap<>();
        for (int step = 0; step < 200_000; step++) {
            int pid = random.nextInt(300) * (random.nextBoolean() ? 1 : 4096); // same low bits: colliding slots
            if (random.nextInt(3) == 0) {
                assertThat(map.remove(pid)).isSameAs(reference.remove(pid));
            } else {
                ProcessInfo p = proc(pid, step);
                assertThat(map.put(pid, p)).isSameAs(reference.put(pid, p));
            }
            if (step % 1000 == 0) {
                for (int k = 0; k < 300; k++) {
                    assertThat(map.get(k)).isSameAs(reference.get(k));
                    assertThat(map.get(k * 4096)).isSameAs(reference.get(k * 4096));
                }
            }
        }
        assertThat(map.size()).isEqualTo(reference.size());
    }
}

package dev.vigil.events;

import dev.vigil.events.process.ExecIds;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** Exec ids are exactly the URL-safe, unpadded Base64 of "node:ktime:pid", whatever the lengths. */
class ExecIdsTest {
    private static String reference(String node, long ktime, int pid) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString((node + ":" + ktime + ":" + pid).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void matchesTheJdkEncoding() {
        SplittableRandom random = new SplittableRandom(42);
        for (String node : new String[]{"", "n", "host1", "nöde-ü", "a-very-long-node-name.example.org"}) {
            ExecIds ids = new ExecIds(node);
            for (long ktime : new long[]{1, 9, 10, 99, 1000, Long.MAX_VALUE, -1, Long.MIN_VALUE}) {
                for (int pid : new int[]{0, 1, 7, 42, 65535, Integer.MAX_VALUE, -3, Integer.MIN_VALUE}) {
                    assertThat(ids.of(pid, ktime)).as(node + ":" + ktime + ":" + pid).isEqualTo(reference(node, ktime, pid));
                }
            }
            for (int i = 0; i < 2000; i++) {
                long ktime = random.nextLong(1, Long.MAX_VALUE);
                int pid = random.nextInt(1, 4_194_304);
                assertThat(ids.of(pid, ktime)).isEqualTo(reference(node, ktime, pid));
            }
        }
    }

    @Test
    void zeroTimeIsNoId() {
        assertThat(new ExecIds("n").of(5, 0)).isEmpty();
    }
}

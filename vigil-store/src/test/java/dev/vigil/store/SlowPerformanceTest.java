package dev.vigil.store;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/**
 * {@link PerformanceTest} with a million events. Takes longer than the suite's budget, so it runs
 * only on request: {@code VIGIL_SLOW_TESTS=1 mvn -pl vigil-store test -Dtest=SlowPerformanceTest}.
 */
@Tag("slow")
@EnabledIfEnvironmentVariable(named = "VIGIL_SLOW_TESTS", matches = "1")
class SlowPerformanceTest {
    @TempDir
    Path dir;

    @Test
    void millionEvents() {
        PerformanceTest.measure(dir, 1_000_000);
    }
}

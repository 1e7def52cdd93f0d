package dev.vigil.kernel.wire;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The agent's fingerprints of the rules' prefixes and names must be the kernel's: the same
 * header the open program includes (bpf/include/vigil_pathfp.h) is compiled for the host and fed
 * the same names and paths. (SyscallFilterTest shows the kernel side agreeing for real.)
 */
class PathFingerprintTest {
    private static final Path HEADER = Path.of("..", "bpf", "include", "vigil_pathfp.h").toAbsolutePath().normalize();

    /*
     * Reads lines; "c NAME" prints NAME's component fingerprint, "p PATH" the fold of PATH's non-empty
     * components from the seed (as the kernel folds the components its walk met), "b FP K" the bloom
     * bits of FP as a prefix (K = 0) or component (K = 1). Names are read the way the kernel program
     * reads them: the first min(len, 8) bytes, and the last 8 when len > 8.
     */
    private static final String DRIVER = """
            #include <linux/types.h>
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>
            #ifndef __always_inline
            #define __always_inline inline __attribute__((always_inline))
            #endif
            #include "vigil_pathfp.h"

            static __u64 name_fp(const char *s, __u32 len)
            {
            	__u64 first = 0, last = 0;
            	memcpy(&first, s, len < 8 ? len : 8);
            	if (len > 8)
            		memcpy(&last, s + len - 8, 8);
            	return vigil_fp_component(first, last, len);
            }

            int main(void)
            {
            	static char line[8192];
            	while (fgets(line, sizeof(line), stdin)) {
            		size_t n = strlen(line);
            		if (n && line[n - 1] == '\\n')
            			line[--n] = 0;
            		if (line[0] == 'c') {
            			printf("%llu\\n", (unsigned long long)name_fp(line + 2, n - 2));
            		} else if (line[0] == 'p') {
            			__u64 fp = VIGIL_FP_SEED;
            			char *p = line + 2, *end = line + n;
            			while (p < end) {
            				char *slash = memchr(p, '/', end - p);
            				char *stop = slash ? slash : end;
            				if (stop > p)
            					fp = vigil_fp_prefix(fp, name_fp(p, stop - p));
            				p = stop + 1;
            			}
            			printf("%llu\\n", (unsigned long long)fp);
            		} else if (line[0] == 'b') {
            			unsigned long long fp;
            			int k;
            			sscanf(line + 2, "%llu %d", &fp, &k);
            			printf("%u %u\\n", vigil_fp_bit(fp, k, 0), vigil_fp_bit(fp, k, 1));
            		}
            		fflush(stdout);
            	}
            	return 0;
            }
            """;

    @Test
    void aPrefixIsItsComponentsFoldedFromTheSeed() {
        long etc = PathFingerprint.component("etc"), shadow = PathFingerprint.component("shadow");
        assertThat(PathFingerprint.path("/etc/shadow")).isEqualTo(PathFingerprint.prefix(PathFingerprint.prefix(PathFingerprint.SEED, etc), shadow));
        assertThat(PathFingerprint.path("/etc//shadow/")).isEqualTo(PathFingerprint.path("/etc/shadow"));
        assertThat(PathFingerprint.path("/")).isEqualTo(PathFingerprint.SEED);
        // Not the component's own value: a prefix "/x" and a name "x" are different keys.
        assertThat(PathFingerprint.path("/etc")).isNotEqualTo(etc);
    }

    @Test
    void theLengthAndBothEndsOfANameCount() {
        // Same first and last 8 bytes, different length; different middles are allowed to collide
        // (the filter over-approximates; userspace evaluates the real rule on the real path).
        assertThat(PathFingerprint.component("abcdefgh12345678")).isNotEqualTo(PathFingerprint.component("abcdefghX12345678"));
        assertThat(PathFingerprint.component("abcdefghXY12345678")).isEqualTo(PathFingerprint.component("abcdefghZW12345678"));
        assertThat(PathFingerprint.component("a")).isNotEqualTo(PathFingerprint.component("a\0"));
        assertThat(PathFingerprint.component("id_rsa")).isNotEqualTo(PathFingerprint.component("id_rsb"));
        assertThat(PathFingerprint.component("credentials")).isNotEqualTo(PathFingerprint.component("credentialz"));
    }

    @Test
    void fixedVectors() {
        // From the C header (the driver below, run once); they pin the function itself.
        assertThat(PathFingerprint.component("etc")).isEqualTo(0x63a280a58e6650feL);
        assertThat(PathFingerprint.component(".aws")).isEqualTo(0x85a749855f80cafbL);
        assertThat(PathFingerprint.path("/etc/shadow")).isEqualTo(0x7bf34d26c28d7e40L);
        assertThat(PathFingerprint.path("/root/.ssh/authorized_keys")).isEqualTo(0x6b680d5a439a3e23L);
    }

    @Test
    void theBloomFilterHoldsEveryKeyItWasGiven() {
        long[] words = new long[PathFingerprint.BLOOM_WORDS];
        Random r = new Random(7);
        List<long[]> keys = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            long fp = r.nextLong();
            boolean comp = r.nextBoolean();
            PathFingerprint.addToBloom(words, fp, comp);
            keys.add(new long[] {fp, comp ? 1 : 0});
        }
        for (long[] k : keys) {
            for (int which = 0; which < 2; which++) {
                int bit = PathFingerprint.bloomBit(k[0], k[1] == 1, which);
                assertThat((words[bit >>> 6] >>> (bit & 63)) & 1).isEqualTo(1);
            }
        }
    }

    @Test
    void javaAndTheKernelHeaderAgree() throws Exception {
        assumeTrue(Files.exists(HEADER), "bpf/include/vigil_pathfp.h next to this module");
        Path dir = Files.createTempDirectory("vigil-pathfp");
        Path src = Files.writeString(dir.resolve("driver.c"), DRIVER), exe = dir.resolve("driver");
        Process cc;
        try {
            cc = new ProcessBuilder("cc", "-O2", "-Wall", "-Werror", "-I", HEADER.getParent().toString(), "-o", exe.toString(), src.toString())
                    .redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            assumeTrue(false, "no host C compiler: " + e.getMessage());
            return;
        }
        String ccOut = new String(cc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(cc.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(cc.exitValue()).as(ccOut).isZero();

        List<String> names = new ArrayList<>(List.of("etc", "shadow", ".aws", "credentials", "id_rsa", "authorized_keys", "sudoers.d",
                "environ", "a", "ab", "abcdefg", "abcdefgh", "abcdefghi", "vigil-loops-XXXXXX", "é", "日本語のファイル名.txt", "x".repeat(255)));
        Random r = new Random(42);
        for (int i = 0; i < 300; i++) {
            int len = 1 + r.nextInt(i < 250 ? 24 : 255);
            StringBuilder b = new StringBuilder();
            for (int j = 0; j < len; j++) b.append((char) (0x21 + r.nextInt(0x7e - 0x21)));
            String s = b.toString().replace("/", "_");
            names.add(s);
        }
        List<String> paths = new ArrayList<>(List.of("/etc/shadow", "/etc", "/root/.ssh/authorized_keys", "/proc/1/environ", "/etc//sudoers.d/",
                "/tmp/vigil-loops-XXXXXX", "/"));
        for (int i = 0; i < 100; i++) {
            StringBuilder p = new StringBuilder();
            int depth = 1 + r.nextInt(12);
            for (int j = 0; j < depth; j++) p.append('/').append(names.get(r.nextInt(names.size())));
            paths.add(p.toString());
        }
        Set<Long> fps = new HashSet<>();
        StringBuilder in = new StringBuilder();
        List<String> want = new ArrayList<>();
        for (String n : names) {
            in.append("c ").append(n).append('\n');
            long fp = PathFingerprint.component(n);
            fps.add(fp);
            want.add(Long.toUnsignedString(fp));
        }
        for (String p : paths) {
            in.append("p ").append(p).append('\n');
            want.add(Long.toUnsignedString(PathFingerprint.path(p)));
        }
        for (int i = 0; i < 100; i++) {
            long fp = r.nextLong();
            boolean comp = (i & 1) == 1;
            in.append("b ").append(Long.toUnsignedString(fp)).append(' ').append(comp ? 1 : 0).append('\n');
            want.add(PathFingerprint.bloomBit(fp, comp, 0) + " " + PathFingerprint.bloomBit(fp, comp, 1));
        }
        Process run = new ProcessBuilder(exe.toString()).start();
        run.getOutputStream().write(in.toString().getBytes(StandardCharsets.UTF_8));
        run.getOutputStream().close();
        List<String> got = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        assertThat(run.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(got).containsExactlyElementsOf(want);
        assertThat(fps).as("distinct names, distinct fingerprints").hasSize(new HashSet<>(names).size());
    }
}

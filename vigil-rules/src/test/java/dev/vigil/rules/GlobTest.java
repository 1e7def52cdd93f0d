package dev.vigil.rules;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class GlobTest {
    @ParameterizedTest(name = "{0} ~ {1} = {2}")
    @CsvSource(delimiter = '|', value = {
            "*/.aws/credentials | /root/.aws/credentials | true",
            "*/.aws/credentials | /root/.aws/credentials.bak | false",
            "*/.aws/credentials | .aws/credentials | false",
            "/proc/*/mem | /proc/12/mem | true",
            "/proc/*/mem | /proc/12/task/12/mem | true",
            "/proc/*/mem | /proc/mem | false",
            "*/.config/gcloud/*credentials* | /home/a/.config/gcloud/legacy_credentials/x | true",
            "*/.config/gcloud/*credentials* | /home/a/.config/gcloud/creds | false",
            "a*a | a | false",
            "a*a | aa | true",
            "a*b*c | abc | true",
            "a*b*c | acb | false",
            "* | '' | true",
            "** | x | true",
            "'' | '' | true",
            "'' | x | false",
            "/dev/sd* | /dev/sda1 | true",
            "/dev/sd* | /dev/sd | true",
            "/dev/sd* | /dev/s | false",
            "/proc/[0-9]*/environ | /proc/42/environ | true",
            "/proc/[0-9]*/environ | /proc/self/environ | false",
            "ba?h | bash | true",
    })
    void matchesAsTheShellWould(String pattern, String path, boolean expected) {
        assertThat(new Glob(pattern).matches(path)).isEqualTo(expected);
    }
}

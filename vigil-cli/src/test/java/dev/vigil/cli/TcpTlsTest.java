package dev.vigil.cli;

import dev.vigil.agent.Agent;
import dev.vigil.api.v1.GetStatusRequest;
import dev.vigil.api.v1.Status;
import dev.vigil.api.v1.StatusServiceGrpc;
import io.grpc.ChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The optional TCP listener serves only clients with a certificate from the configured CA. */
@Tag("kernel")
class TcpTlsTest {
    @Test
    void tcpRequiresAClientCertificate() throws Exception {
        Path dir = Files.createTempDirectory("vigil-tls");
        openssl(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=vigil-test-ca",
                "-keyout", "ca.key", "-out", "ca.pem");
        for (String who : List.of("server", "client")) {
            openssl(dir, "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=" + who, "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                    "-keyout", who + ".key", "-out", who + ".csr");
            openssl(dir, "x509", "-req", "-in", who + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "1",
                    "-copy_extensions", "copy", "-out", who + ".pem");
            openssl(dir, "pkcs8", "-topk8", "-nocrypt", "-in", who + ".key", "-out", who + ".p8.key");
        }
        Agent agent = TestAgents.start(dir, null, Map.of("api.tcp.address", "127.0.0.1:0",
                "api.tcp.certFile", dir.resolve("server.pem").toString(), "api.tcp.keyFile", dir.resolve("server.p8.key").toString(),
                "api.tcp.clientCaFile", dir.resolve("ca.pem").toString()));
        try {
            int port = agent.api().tcpPort();
            ChannelCredentials withCert = TlsChannelCredentials.newBuilder().trustManager(dir.resolve("ca.pem").toFile())
                    .keyManager(dir.resolve("client.pem").toFile(), dir.resolve("client.p8.key").toFile()).build();
            assertThat(status(port, withCert).getKernelFeaturesCount()).isPositive();

            ChannelCredentials noCert = TlsChannelCredentials.newBuilder().trustManager(dir.resolve("ca.pem").toFile()).build();
            assertThatThrownBy(() -> status(port, noCert)).isInstanceOf(StatusRuntimeException.class);
        } finally {
            agent.close();
        }
    }

    private static Status status(int port, ChannelCredentials creds) throws InterruptedException {
        ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", port, creds).overrideAuthority("localhost").build();
        try {
            return StatusServiceGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS).getStatus(GetStatusRequest.getDefaultInstance());
        } finally {
            ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static void openssl(Path dir, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(String.join(" ", cmd) + "\n" + out).isZero();
    }
}

/**
 * Containers from a Kubernetes node's runtime over the Container Runtime Interface (CRI):
 * {@link dev.vigil.containers.cri.CriSource} speaks gRPC {@code runtime.v1.RuntimeService} to
 * containerd or CRI-O on their unix socket. The messages it needs are declared in
 * {@code src/main/proto/cri_runtime.proto} and generated into {@code dev.vigil.containers.cri.v1}.
 */
package dev.vigil.containers.cri;

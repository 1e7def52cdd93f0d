package dev.vigil.agent.api;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * Defense in depth behind the socket's 0600 mode: a call from a peer that is not uid 0 (say,
 * the mode was loosened by hand) is refused with PERMISSION_DENIED before any handler runs.
 */
final class RootOnlyInterceptor implements ServerInterceptor {
    private static final System.Logger LOG = System.getLogger(RootOnlyInterceptor.class.getName());

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        Integer uid = call.getAttributes().get(PeerCredentialsNegotiator.PEER_UID);
        if (uid == null || uid != 0) {
            Integer pid = call.getAttributes().get(PeerCredentialsNegotiator.PEER_PID);
            LOG.log(System.Logger.Level.WARNING, "refused API call " + call.getMethodDescriptor().getFullMethodName()
                    + " from uid " + uid + " (pid " + pid + "): root only");
            call.close(Status.PERMISSION_DENIED.withDescription("the API socket is root-only; run as root"), new Metadata());
            return new ServerCall.Listener<>() {};
        }
        return next.startCall(call, headers);
    }
}

package dev.vigil.agent.api;

import io.grpc.Attributes;
import io.grpc.netty.shaded.io.grpc.netty.GrpcHttp2ConnectionHandler;
import io.grpc.netty.shaded.io.grpc.netty.InternalProtocolNegotiationEvent;
import io.grpc.netty.shaded.io.grpc.netty.InternalProtocolNegotiator;
import io.grpc.netty.shaded.io.grpc.netty.InternalProtocolNegotiators;
import io.grpc.netty.shaded.io.grpc.netty.ProtocolNegotiationEvent;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandler;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelInboundHandlerAdapter;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.PeerCredentials;
import io.grpc.netty.shaded.io.netty.util.AsciiString;

import java.io.IOException;

/**
 * Plaintext negotiation (as for any unix socket server) that also reads the peer's credentials
 * (SO_PEERCRED) once per connection and puts its uid and pid into the transport attributes,
 * where {@link RootOnlyInterceptor} finds them on every call.
 */
final class PeerCredentialsNegotiator implements InternalProtocolNegotiator.ProtocolNegotiator {
    static final Attributes.Key<Integer> PEER_UID = Attributes.Key.create("vigil.peer.uid");
    static final Attributes.Key<Integer> PEER_PID = Attributes.Key.create("vigil.peer.pid");
    private static final System.Logger LOG = System.getLogger(PeerCredentialsNegotiator.class.getName());

    @Override
    public AsciiString scheme() {
        return AsciiString.of("http");
    }

    @Override
    public ChannelHandler newHandler(GrpcHttp2ConnectionHandler grpcHandler) {
        ChannelHandler grpc = InternalProtocolNegotiators.grpcNegotiationHandler(grpcHandler);
        return InternalProtocolNegotiators.waitUntilActiveHandler(new PeerCredentialsHandler(grpc), grpcHandler.getNegotiationLogger());
    }

    @Override
    public void close() {}

    private static final class PeerCredentialsHandler extends ChannelInboundHandlerAdapter {
        private final ChannelHandler next;

        PeerCredentialsHandler(ChannelHandler next) {
            this.next = next;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (!(evt instanceof ProtocolNegotiationEvent pne)) {
                super.userEventTriggered(ctx, evt);
                return;
            }
            Attributes.Builder attrs = InternalProtocolNegotiationEvent.getAttributes(pne).toBuilder();
            if (ctx.channel() instanceof EpollDomainSocketChannel ch) {
                try {
                    PeerCredentials creds = ch.peerCredentials();
                    attrs.set(PEER_UID, creds.uid()).set(PEER_PID, creds.pid());
                } catch (IOException e) {
                    // No credentials means no uid attribute, and the interceptor refuses the calls.
                    LOG.log(System.Logger.Level.WARNING, "cannot read an API client's credentials: " + e.getMessage());
                }
            }
            ProtocolNegotiationEvent withPeer = InternalProtocolNegotiationEvent.withAttributes(pne, attrs.build());
            ctx.pipeline().replace(this, null, next);
            ctx.fireUserEventTriggered(withPeer);
        }
    }
}

package dev.vigil.agent.api;

import dev.vigil.agent.policy.PolicyException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;

import java.util.NoSuchElementException;
import java.util.function.Supplier;

/** Runs a handler so that nothing escapes it: every failure becomes a status the client can act on. */
final class Rpc {
    private static final System.Logger LOG = System.getLogger(Rpc.class.getName());

    private Rpc() {}

    static <T> void unary(String method, StreamObserver<T> observer, Supplier<T> body) {
        T result;
        try {
            result = body.get();
        } catch (Throwable t) {
            error(method, observer, t);
            return;
        }
        try {
            observer.onNext(result);
            observer.onCompleted();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, method + ": the client went away: " + e);
        }
    }

    static void error(String method, StreamObserver<?> observer, Throwable t) {
        if (t instanceof VirtualMachineError v && !(t instanceof OutOfMemoryError)) throw v;
        Status status = toStatus(method, t);
        try {
            observer.onError(status.asRuntimeException());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, method + ": the client went away: " + e);
        }
    }

    static Status toStatus(String method, Throwable t) {
        return switch (t) {
            case StatusRuntimeException s -> s.getStatus();
            case PolicyException p -> Status.INVALID_ARGUMENT.withDescription(p.getMessage());
            case NoSuchElementException n -> Status.NOT_FOUND.withDescription(n.getMessage());
            case IllegalArgumentException i -> Status.INVALID_ARGUMENT.withDescription(i.getMessage());
            case IllegalStateException i -> Status.FAILED_PRECONDITION.withDescription(i.getMessage());
            default -> {
                LOG.log(System.Logger.Level.ERROR, "API call " + method + " failed", t);
                yield Status.INTERNAL.withDescription(method + " failed: " + t);
            }
        };
    }
}

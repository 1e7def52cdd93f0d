package dev.vigil.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import io.grpc.StatusRuntimeException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** Base of the commands that talk to the agent: the connection, error mapping, and output helpers. */
abstract class ClientCommand implements Callable<Integer> {
    private static final JsonFormat.Printer JSON = JsonFormat.printer().includingDefaultValueFields().preservingProtoFieldNames();

    @Spec
    CommandSpec spec;

    @Override
    public final Integer call() {
        Main main = (Main) spec.root().userObject();
        try (ApiClient client = ApiClient.connect(main.socket())) {
            run(client);
            return ExitCodes.OK;
        } catch (StatusRuntimeException e) {
            throw ExitCodes.fromStatus(e, main.socket().toString());
        }
    }

    abstract void run(ApiClient client);

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    void printJson(MessageOrBuilder m) {
        try {
            out().println(JSON.print(m));
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
        out().flush();
    }

    /** One JSON object per line, for streams and lists scripts read line by line. */
    void printJsonLine(MessageOrBuilder m) {
        try {
            out().println(JsonFormat.printer().omittingInsignificantWhitespace().preservingProtoFieldNames().print(m));
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
        out().flush();
    }
}

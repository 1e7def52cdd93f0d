package dev.vigil.events.output;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.vigil.containers.ContainerInfo;
import dev.vigil.containers.RiskFinding;
import dev.vigil.events.Event;
import dev.vigil.events.alert.Alert;
import dev.vigil.events.container.ContainerEvent;
import dev.vigil.events.process.ProcessEvent;
import dev.vigil.events.process.ProcessInfo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.LongUnaryOperator;

/** One JSON object per line, the schema of docs/events.md. Streams straight to the output; no tree is built. */
public final class JsonEventWriter implements EventSink {
    private static final JsonFactory FACTORY = JsonFactory.builder().build();

    private final JsonGenerator json;
    private final OutputStream out;
    private final String node;
    private final LongUnaryOperator toEpochNanos;

    public JsonEventWriter(OutputStream out, String node, LongUnaryOperator toEpochNanos) {
        this.out = out;
        this.node = node;
        this.toEpochNanos = toEpochNanos;
        try {
            this.json = FACTORY.createGenerator(out, JsonEncoding.UTF8);
            json.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
            json.configure(JsonGenerator.Feature.FLUSH_PASSED_TO_STREAM, false);
            // One object per line: Jackson would otherwise put a space between root values.
            json.setRootValueSeparator(null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The JSON line for one event, without the newline. */
    public static String toJson(Event event, String node, LongUnaryOperator toEpochNanos) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(512);
        try (JsonEventWriter w = new JsonEventWriter(buffer, node, toEpochNanos)) {
            w.accept(event);
        }
        return buffer.toString(StandardCharsets.UTF_8).stripTrailing();
    }

    @Override
    public void accept(Event event) {
        try {
            json.writeStartObject();
            json.writeStringField("type", event.type());
            json.writeStringField("time", Timestamps.rfc3339(toEpochNanos.applyAsLong(event.ktime())));
            json.writeStringField("node", node);
            switch (event) {
                case ProcessEvent p -> processEvent(p);
                case ContainerEvent c -> containerEvent(c);
                case Alert a -> alert(a);
                default -> throw new IllegalArgumentException("no JSON form for " + event.getClass().getName());
            }
            json.writeEndObject();
            json.writeRaw('\n');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void alert(Alert a) throws IOException {
        json.writeStringField("rule", a.rule());
        json.writeStringField("priority", a.priority());
        json.writeStringField("output", a.output());
        json.writeArrayFieldStart("tags");
        for (String t : a.tags()) json.writeString(t);
        json.writeEndArray();
        json.writeStringField("action", a.action());
        json.writeStringField("enforcement", a.enforcement());
        json.writeFieldName("process");
        if (a.process() == null) json.writeNull();
        else process(a.process(), true);
        json.writeArrayFieldStart("ancestors");
        for (ProcessInfo p : a.ancestors()) process(p, false);
        json.writeEndArray();
        json.writeFieldName("container");
        container(a.container());
        json.writeObjectFieldStart("details");
        for (Map.Entry<String, String> d : a.details().entrySet()) json.writeStringField(d.getKey(), d.getValue());
        json.writeEndObject();
    }

    private void containerEvent(ContainerEvent event) throws IOException {
        json.writeFieldName("container");
        container(event.container());
        if (event.kind() == ContainerEvent.Kind.RISK) {
            json.writeArrayFieldStart("findings");
            for (RiskFinding f : event.findings()) {
                json.writeStartObject();
                json.writeStringField("id", f.id());
                json.writeStringField("severity", f.severity().name().toLowerCase());
                json.writeStringField("subject", f.subject());
                json.writeStringField("message", f.message());
                json.writeEndObject();
            }
            json.writeEndArray();
        }
    }

    private void processEvent(ProcessEvent event) throws IOException {
        json.writeFieldName("process");
        process(event.process(), true);
        json.writeFieldName("parent");
        if (event.parent() == null) json.writeNull();
        else process(event.parent(), false);
        if (event instanceof ProcessEvent.Exit exit) {
            if (exit.signal() == 0) json.writeNumberField("exit_code", exit.exitCode());
            else json.writeNullField("exit_code");
            if (exit.signal() == 0) json.writeNullField("signal");
            else json.writeStringField("signal", Signals.name(exit.signal()));
        }
        json.writeFieldName("container");
        container(event.process().container());
    }

    private void process(ProcessInfo p, boolean full) throws IOException {
        json.writeStartObject();
        json.writeStringField("exec_id", p.execId());
        json.writeStringField("parent_exec_id", p.parentExecId());
        json.writeNumberField("pid", p.pid());
        json.writeNumberField("ppid", p.ppid());
        if (full) {
            json.writeNumberField("nspid", p.nspid());
            json.writeNumberField("uid", p.uid());
            json.writeNumberField("gid", p.gid());
            json.writeNumberField("euid", p.euid());
            json.writeNumberField("egid", p.egid());
        }
        json.writeStringField("binary", p.binary());
        json.writeArrayFieldStart("args");
        for (String a : p.args()) json.writeString(a);
        json.writeEndArray();
        if (full) {
            json.writeBooleanField("args_truncated", p.argsTruncated());
            json.writeStringField("cwd", p.cwd());
            json.writeStringField("cap_effective", String.format("%016x", p.capEffective()));
            json.writeNumberField("cgroup_id", p.cgroupId());
            json.writeObjectFieldStart("ns");
            json.writeNumberField("pid", p.ns().pid());
            json.writeNumberField("mnt", p.ns().mnt());
            json.writeNumberField("net", p.ns().net());
            json.writeEndObject();
            json.writeStringField("start_time", Timestamps.rfc3339(toEpochNanos.applyAsLong(p.startKtime())));
        }
        json.writeEndObject();
    }

    private void container(ContainerInfo c) throws IOException {
        if (c == null) {
            json.writeNull();
            return;
        }
        json.writeStartObject();
        json.writeStringField("id", c.id());
        json.writeStringField("name", c.name());
        json.writeStringField("image", c.image());
        json.writeStringField("image_id", c.imageId());
        json.writeObjectFieldStart("labels");
        for (Map.Entry<String, String> l : c.labels().entrySet()) json.writeStringField(l.getKey(), l.getValue());
        json.writeEndObject();
        json.writeFieldName("pod");
        if (c.pod() == null) {
            json.writeNull();
        } else {
            json.writeStartObject();
            json.writeStringField("name", c.pod().name());
            json.writeStringField("namespace", c.pod().namespace());
            json.writeStringField("uid", c.pod().uid());
            json.writeEndObject();
        }
        json.writeStringField("runtime", c.runtime());
        json.writeEndObject();
    }

    @Override
    public void flush() {
        try {
            json.flush();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

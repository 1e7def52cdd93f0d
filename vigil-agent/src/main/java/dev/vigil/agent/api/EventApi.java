package dev.vigil.agent.api;

import dev.vigil.agent.Agent;
import dev.vigil.api.v1.Event;
import dev.vigil.api.v1.EventServiceGrpc;
import dev.vigil.api.v1.GetStatsRequest;
import dev.vigil.api.v1.QueryAlertsRequest;
import dev.vigil.api.v1.QueryEventsRequest;
import dev.vigil.api.v1.QueryEventsResponse;
import dev.vigil.api.v1.StatsResponse;
import dev.vigil.api.v1.SubscribeRequest;
import dev.vigil.store.EventQuery;
import dev.vigil.store.StoredEvent;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

final class EventApi extends EventServiceGrpc.EventServiceImplBase {
    static final int DEFAULT_LIMIT = 100, MAX_LIMIT = 10_000;
    /** Alert types as the store names them; later issues add their alert events here. */
    static final Set<String> ALERT_TYPES = Set.of("alert");

    private final Agent agent;

    EventApi(Agent agent) {
        this.agent = agent;
    }

    @Override
    public void subscribe(SubscribeRequest request, StreamObserver<Event> observer) {
        try {
            EventMatcher matcher = new EventMatcher(request.getFilter());
            agent.subscriptions().subscribe(matcher, (ServerCallStreamObserver<Event>) observer);
        } catch (Throwable t) {
            Rpc.error("Subscribe", observer, t);
        }
    }

    @Override
    public void queryEvents(QueryEventsRequest r, StreamObserver<QueryEventsResponse> observer) {
        Rpc.unary("QueryEvents", observer, () -> response(agent.store().query(new EventQuery(Protos.millis(r.getSinceUnixMillis()),
                Protos.millis(r.getUntilUnixMillis()), Set.copyOf(r.getTypesList()), blankToNull(r.getRule()), blankToNull(r.getContainer()),
                blankToNull(r.getPodNamespace()), blankToNull(r.getPriority()), limit(r.getLimit())))));
    }

    @Override
    public void queryAlerts(QueryAlertsRequest r, StreamObserver<QueryEventsResponse> observer) {
        Rpc.unary("QueryAlerts", observer, () -> response(agent.store().query(new EventQuery(Protos.millis(r.getSinceUnixMillis()), null,
                ALERT_TYPES, blankToNull(r.getRule()), blankToNull(r.getContainer()), null, null, limit(r.getLimit())))));
    }

    @Override
    public void getStats(GetStatsRequest r, StreamObserver<StatsResponse> observer) {
        Rpc.unary("GetStats", observer, () -> {
            Instant since = r.getSinceUnixMillis() == 0 ? Instant.now().minus(Duration.ofDays(1)) : Instant.ofEpochMilli(r.getSinceUnixMillis());
            Duration bucket = Duration.ofSeconds(r.getBucketSeconds() == 0 ? 3600 : r.getBucketSeconds());
            if (bucket.isNegative() || bucket.toSeconds() < 1) throw new IllegalArgumentException("bucket_seconds must be positive");
            int top = r.getTop() == 0 ? 10 : r.getTop();
            if (top < 1 || top > 1000) throw new IllegalArgumentException("top must be between 1 and 1000");
            return Protos.stats(agent.store().stats(since, bucket, top));
        });
    }

    private static QueryEventsResponse response(List<StoredEvent> events) {
        QueryEventsResponse.Builder b = QueryEventsResponse.newBuilder();
        for (StoredEvent e : events) b.addEvents(Protos.stored(e));
        return b.build();
    }

    private static int limit(int requested) {
        if (requested < 0) throw new IllegalArgumentException("limit must not be negative");
        return requested == 0 ? DEFAULT_LIMIT : Math.min(requested, MAX_LIMIT);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}

package dev.vigil.agent.sensor;

import java.util.List;

/** A sensor as the API shows it: state, why it is not attached, and its attached programs. */
public record SensorStatus(SensorSpec spec, State state, String reason, String enforcementMode, List<String> programs) {
    public enum State { ATTACHED, LOADED, DISABLED, UNAVAILABLE }

    /** Every sensor only observes today; later sensors enforce through lsm, cgroup or signal. */
    public static final String OBSERVE = "observe";
}

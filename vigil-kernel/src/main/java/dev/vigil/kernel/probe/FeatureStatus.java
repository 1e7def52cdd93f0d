package dev.vigil.kernel.probe;

/** Outcome of probing one feature: available or not, and in either case what was found. */
public record FeatureStatus(Feature feature, boolean available, String detail) {
    public static FeatureStatus yes(Feature f, String detail) {
        return new FeatureStatus(f, true, detail);
    }

    public static FeatureStatus no(Feature f, String detail) {
        return new FeatureStatus(f, false, detail);
    }

    public String summaryLine() {
        return String.format("%-12s %-11s %s", feature.name().toLowerCase(), available ? "available" : "UNAVAILABLE", detail);
    }
}

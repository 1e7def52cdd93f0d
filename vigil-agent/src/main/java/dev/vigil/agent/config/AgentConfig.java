package dev.vigil.agent.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The agent's configuration; default-config.yaml documents every key. */
public record AgentConfig(
        @JsonProperty("node") String node,
        @JsonProperty("output") Output output,
        @JsonProperty("ringBuffer") RingBufferConfig ringBuffer,
        @JsonProperty("processCache") ProcessCacheConfig processCache,
        @JsonProperty("containers") ContainersConfig containers,
        @JsonProperty("api") ApiConfig api,
        @JsonProperty("policies") PoliciesConfig policies,
        @JsonProperty("store") StoreConfig store,
        @JsonProperty("metrics") MetricsConfig metrics,
        @JsonProperty("rules") RulesConfig rules,
        @JsonProperty("network") NetworkConfig network) {

    public record Output(@JsonProperty("path") String path, @JsonProperty("format") Format format) {}

    public enum Format {
        @JsonProperty("json") JSON,
        @JsonProperty("compact") COMPACT
    }

    public record RingBufferConfig(
            @JsonProperty("sizeBytes") Integer sizeBytes,
            @JsonProperty("wakeupBytes") Integer wakeupBytes,
            @JsonProperty("pollMillis") Integer pollMillis) {}

    public record ProcessCacheConfig(
            @JsonProperty("maxEntries") Integer maxEntries,
            @JsonProperty("exitedGraceSeconds") Integer exitedGraceSeconds) {}

    public record ContainersConfig(
            @JsonProperty("runtimeSocket") String runtimeSocket,
            @JsonProperty("graceSeconds") Integer graceSeconds,
            @JsonProperty("maxEntries") Integer maxEntries) {}

    public record ApiConfig(@JsonProperty("socket") String socket, @JsonProperty("tcp") TcpConfig tcp) {}

    /** The optional TCP listener; it only ever runs with mutual TLS. */
    public record TcpConfig(
            @JsonProperty("address") String address,
            @JsonProperty("certFile") String certFile,
            @JsonProperty("keyFile") String keyFile,
            @JsonProperty("clientCaFile") String clientCaFile) {
        public boolean enabled() {
            return address != null && !address.isBlank();
        }
    }

    public record PoliciesConfig(@JsonProperty("dir") String dir) {}

    public record StoreConfig(
            @JsonProperty("path") String path,
            @JsonProperty("types") java.util.List<String> types,
            @JsonProperty("maxAgeDays") Integer maxAgeDays,
            @JsonProperty("maxBytes") Long maxBytes) {}

    /**
     * Detection rules: the shipped set, plus rule files in Falco's syntax loaded after it in order (docs/rules.md).
     * collectAll: the kernel sends every syscall kind, not only those the rules need (for measurements).
     */
    public record RulesConfig(@JsonProperty("enabled") Boolean enabled, @JsonProperty("files") java.util.List<String> files,
                              @JsonProperty("collectAll") Boolean collectAll) {}

    public record MetricsConfig(@JsonProperty("enabled") Boolean enabled, @JsonProperty("address") String address) {}

    /** underlayInterface: empty for veth mode, else the interface name inside each container that TC attaches to. */
    public record NetworkConfig(@JsonProperty("underlayInterface") String underlayInterface) {
        public boolean underlay() {
            return underlayInterface != null && !underlayInterface.isEmpty();
        }
    }

    /** Rejects values the kernel or the agent cannot work with, naming the key. */
    public AgentConfig validate() {
        int size = ringBuffer.sizeBytes();
        if (size < 4096 || Integer.bitCount(size) != 1) {
            throw new ConfigException("ringBuffer.sizeBytes must be a power of two of at least 4096, not " + size);
        }
        if (ringBuffer.wakeupBytes() < 0 || ringBuffer.wakeupBytes() > size) {
            throw new ConfigException("ringBuffer.wakeupBytes must be between 0 and ringBuffer.sizeBytes, not " + ringBuffer.wakeupBytes());
        }
        if (ringBuffer.pollMillis() < 1 || ringBuffer.pollMillis() > 1000) {
            throw new ConfigException("ringBuffer.pollMillis must be between 1 and 1000, not " + ringBuffer.pollMillis());
        }
        if (processCache.maxEntries() < 1024) throw new ConfigException("processCache.maxEntries must be at least 1024");
        if (processCache.exitedGraceSeconds() < 0) throw new ConfigException("processCache.exitedGraceSeconds must not be negative");
        if (containers.graceSeconds() < 0) throw new ConfigException("containers.graceSeconds must not be negative");
        if (containers.maxEntries() < 16) throw new ConfigException("containers.maxEntries must be at least 16");
        if (api.socket() == null || api.socket().isBlank()) throw new ConfigException("api.socket must name a path");
        TcpConfig tcp = api.tcp();
        if (tcp.enabled()) {
            hostPort("api.tcp.address", tcp.address());
            if (blank(tcp.certFile()) || blank(tcp.keyFile()) || blank(tcp.clientCaFile())) {
                throw new ConfigException("api.tcp needs certFile, keyFile and clientCaFile: the TCP listener runs only with mutual TLS");
            }
        }
        if (blank(policies.dir())) throw new ConfigException("policies.dir must name a directory");
        if (blank(store.path())) throw new ConfigException("store.path must name a file");
        if (store.maxAgeDays() < 1) throw new ConfigException("store.maxAgeDays must be at least 1, not " + store.maxAgeDays());
        if (store.maxBytes() < 1 << 20) throw new ConfigException("store.maxBytes must be at least 1048576, not " + store.maxBytes());
        for (String t : store.types()) {
            if (blank(t)) throw new ConfigException("store.types must not contain an empty type");
        }
        if (metrics.enabled()) hostPort("metrics.address", metrics.address());
        for (String f : rules.files()) {
            if (blank(f)) throw new ConfigException("rules.files must not contain an empty path");
        }
        if (network.underlay()) {
            String n = network.underlayInterface();
            // The kernel's own rule for interface names (IFNAMSIZ 16 with the NUL, no '/', ':' or white space).
            if (n.length() > 15 || n.equals(".") || n.equals("..") || !n.chars().allMatch(c -> c > 32 && c < 127 && c != '/' && c != ':')) {
                throw new ConfigException("network.underlayInterface must be an interface name (at most 15 characters, no '/', ':' or spaces), not \"" + n + "\"");
            }
            if (n.equals("lo")) throw new ConfigException("network.underlayInterface must not be lo");
        }
        return this;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    /** Splits "host:port" (the host may be empty, meaning every address; port 0 picks a free one). */
    public static java.net.InetSocketAddress hostPort(String key, String value) {
        int colon = value == null ? -1 : value.lastIndexOf(':');
        if (colon < 0) throw new ConfigException(key + " must be host:port, not \"" + value + "\"");
        String host = value.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        int port;
        try {
            port = Integer.parseInt(value.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new ConfigException(key + " must be host:port, not \"" + value + "\"");
        }
        if (port < 0 || port > 65535) throw new ConfigException(key + ": port out of range in \"" + value + "\"");
        return host.isEmpty() ? new java.net.InetSocketAddress(port) : java.net.InetSocketAddress.createUnresolved(host, port);
    }
}

package dev.vigil.kernel;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * One compiled BPF ELF object: opened from bytes, tuned (autoload, map sizes), loaded into the
 * kernel, then closed, which releases every program and map fd it owns. Links made from its
 * programs are owned by their {@link BpfLink}s and must be closed first.
 */
public final class BpfObject implements AutoCloseable {
    /** Classpath folder that holds the objects compiled from bpf/. */
    public static final String RESOURCE_DIR = "/dev/vigil/bpf/";

    // struct bpf_object_open_opts (libbpf 1.1, x86-64): 80 bytes.
    private static final long OPTS_SIZE = 80, OPTS_OBJECT_NAME = 8, OPTS_LOG_BUF = 56, OPTS_LOG_SIZE = 64, OPTS_LOG_LEVEL = 72;
    private static final int LOG_SIZE = 4 << 20;

    private final String name;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment object;
    private final MemorySegment logBuffer;
    private final Map<String, BpfProgram> programs = new LinkedHashMap<>();
    private final Map<String, BpfMap> maps = new LinkedHashMap<>();
    private boolean loaded;
    private boolean closed;

    private BpfObject(String name, byte[] elf) {
        this.name = name;
        MemorySegment opts = arena.allocate(OPTS_SIZE, 8);
        logBuffer = arena.allocate(LOG_SIZE);
        opts.set(JAVA_LONG, 0, OPTS_SIZE);
        opts.set(ADDRESS, OPTS_OBJECT_NAME, arena.allocateFrom(name));
        opts.set(ADDRESS, OPTS_LOG_BUF, logBuffer);
        opts.set(JAVA_LONG, OPTS_LOG_SIZE, LOG_SIZE);
        opts.set(JAVA_INT, OPTS_LOG_LEVEL, 0);
        MemorySegment buffer = arena.allocate(elf.length, 8);
        MemorySegment.copy(elf, 0, buffer, JAVA_BYTE, 0, elf.length);
        MemorySegment state = arena.allocate(Native.CALL_STATE);
        MemorySegment obj;
        try {
            obj = (MemorySegment) LibBpf.object_open_mem.invokeExact(state, buffer, (long) elf.length, opts);
        } catch (Throwable t) {
            arena.close();
            throw LibBpf.rethrow(t);
        }
        if (obj.equals(MemorySegment.NULL)) {
            int errno = Native.errno(state);
            arena.close();
            throw new BpfException("open BPF object " + name, errno);
        }
        this.object = obj;
        indexProgramsAndMaps();
    }

    /** Opens an ELF object held in memory. */
    public static BpfObject open(String name, byte[] elf) {
        return new BpfObject(name, elf);
    }

    /** Opens {@code <name>.bpf.o} from the classpath, where the build puts every object compiled from bpf/. */
    public static BpfObject openResource(String name) {
        String path = RESOURCE_DIR + name + ".bpf.o";
        try (InputStream in = BpfObject.class.getResourceAsStream(path)) {
            if (in == null) throw new IllegalStateException("BPF object " + path + " is not on the classpath; was bpf/ built?");
            return open(name, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + path, e);
        }
    }

    private void indexProgramsAndMaps() {
        try {
            MemorySegment p = MemorySegment.NULL;
            while (!(p = (MemorySegment) LibBpf.object_next_program.invokeExact(object, p)).equals(MemorySegment.NULL)) {
                BpfProgram program = new BpfProgram(this, p);
                programs.put(program.name(), program);
            }
            MemorySegment m = MemorySegment.NULL;
            while (!(m = (MemorySegment) LibBpf.object_next_map.invokeExact(object, m)).equals(MemorySegment.NULL)) {
                BpfMap map = new BpfMap(this, m);
                maps.put(map.name(), map);
            }
        } catch (Throwable t) {
            throw LibBpf.rethrow(t);
        }
    }

    public String name() {
        return name;
    }

    /** Loads every autoload program and creates every map; the verifier's log is attached to a failure. */
    public synchronized void load() {
        ensureOpen();
        if (loaded) throw new IllegalStateException(name + " is already loaded");
        logBuffer.set(JAVA_BYTE, 0, (byte) 0);
        int rc;
        try {
            rc = (int) LibBpf.object_load.invokeExact(object);
        } catch (Throwable t) {
            throw LibBpf.rethrow(t);
        }
        if (rc < 0) throw new BpfException("load BPF object " + name, -rc, logBuffer.getString(0));
        loaded = true;
    }

    public boolean isLoaded() {
        return loaded;
    }

    public BpfProgram program(String programName) {
        BpfProgram p = programs.get(programName);
        if (p == null) throw new NoSuchElementException(name + " has no program " + programName + "; it has " + programs.keySet());
        return p;
    }

    public BpfMap map(String mapName) {
        BpfMap m = maps.get(mapName);
        if (m == null) throw new NoSuchElementException(name + " has no map " + mapName + "; it has " + maps.keySet());
        return m;
    }

    public List<BpfProgram> programs() {
        return Collections.unmodifiableList(new ArrayList<>(programs.values()));
    }

    public List<BpfMap> maps() {
        return Collections.unmodifiableList(new ArrayList<>(maps.values()));
    }

    /** The object's own BTF: the types the C side compiled, used to check the Java wire layouts. */
    public Btf btf() {
        ensureOpen();
        try {
            MemorySegment btf = (MemorySegment) LibBpf.object_btf.invokeExact(object);
            if (btf.equals(MemorySegment.NULL)) throw new IllegalStateException(name + " carries no BTF (built without -g?)");
            return new Btf(btf, this);
        } catch (Throwable t) {
            throw LibBpf.rethrow(t);
        }
    }

    Arena arena() {
        return arena;
    }

    synchronized void ensureOpen() {
        if (closed) throw new IllegalStateException("BPF object " + name + " is closed");
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        try {
            LibBpf.object_close.invokeExact(object);
        } catch (Throwable t) {
            throw LibBpf.rethrow(t);
        } finally {
            arena.close();
        }
    }

    @Override
    public String toString() {
        return "BpfObject[" + name + (loaded ? ", loaded" : "") + (closed ? ", closed" : "") + "]";
    }
}

package dev.vigil.kernel;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Downcall handles for the libbpf 1.1 functions Vigil uses, with signatures from libbpf.h and bpf.h.
 * int functions return -errno; pointer functions return NULL and set errno, which the handles
 * marked {@code E} capture (their first argument is the call-state segment).
 */
final class LibBpf {
    private LibBpf() {}

    private static final Linker.Option E = Native.CAPTURE_ERRNO;
    // Map operations are short and never call back into Java.
    private static final Linker.Option CRITICAL = Linker.Option.critical(false);

    static final MethodHandle version_string = Native.libbpf("libbpf_version_string", FunctionDescriptor.of(ADDRESS));
    static final MethodHandle set_print = Native.libbpf("libbpf_set_print", FunctionDescriptor.of(ADDRESS, ADDRESS));
    static final MethodHandle num_possible_cpus = Native.libbpf("libbpf_num_possible_cpus", FunctionDescriptor.of(JAVA_INT));
    static final MethodHandle probe_prog_type = Native.libbpf("libbpf_probe_bpf_prog_type", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    static final MethodHandle probe_helper = Native.libbpf("libbpf_probe_bpf_helper", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    static final MethodHandle probe_map_type = Native.libbpf("libbpf_probe_bpf_map_type", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));

    // objects
    static final MethodHandle object_open_mem = Native.libbpf("bpf_object__open_mem", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, ADDRESS), E);
    static final MethodHandle object_load = Native.libbpf("bpf_object__load", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    static final MethodHandle object_close = Native.libbpf("bpf_object__close", FunctionDescriptor.ofVoid(ADDRESS));
    static final MethodHandle object_find_program = Native.libbpf("bpf_object__find_program_by_name", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
    static final MethodHandle object_find_map = Native.libbpf("bpf_object__find_map_by_name", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
    static final MethodHandle object_next_program = Native.libbpf("bpf_object__next_program", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
    static final MethodHandle object_next_map = Native.libbpf("bpf_object__next_map", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
    static final MethodHandle object_btf = Native.libbpf("bpf_object__btf", FunctionDescriptor.of(ADDRESS, ADDRESS));

    // programs
    static final MethodHandle program_name = Native.libbpf("bpf_program__name", FunctionDescriptor.of(ADDRESS, ADDRESS));
    static final MethodHandle program_section_name = Native.libbpf("bpf_program__section_name", FunctionDescriptor.of(ADDRESS, ADDRESS));
    static final MethodHandle program_fd = Native.libbpf("bpf_program__fd", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    static final MethodHandle program_set_autoload = Native.libbpf("bpf_program__set_autoload", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_BOOLEAN));
    static final MethodHandle program_autoload = Native.libbpf("bpf_program__autoload", FunctionDescriptor.of(JAVA_BOOLEAN, ADDRESS));
    static final MethodHandle program_attach = Native.libbpf("bpf_program__attach", FunctionDescriptor.of(ADDRESS, ADDRESS), E);
    static final MethodHandle program_attach_tracepoint = Native.libbpf("bpf_program__attach_tracepoint", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS), E);
    static final MethodHandle program_attach_raw_tracepoint = Native.libbpf("bpf_program__attach_raw_tracepoint", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS), E);
    static final MethodHandle program_attach_trace = Native.libbpf("bpf_program__attach_trace", FunctionDescriptor.of(ADDRESS, ADDRESS), E);
    static final MethodHandle program_attach_lsm = Native.libbpf("bpf_program__attach_lsm", FunctionDescriptor.of(ADDRESS, ADDRESS), E);
    static final MethodHandle program_attach_cgroup = Native.libbpf("bpf_program__attach_cgroup", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT), E);

    // links
    static final MethodHandle link_destroy = Native.libbpf("bpf_link__destroy", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    static final MethodHandle link_pin = Native.libbpf("bpf_link__pin", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    static final MethodHandle link_fd = Native.libbpf("bpf_link__fd", FunctionDescriptor.of(JAVA_INT, ADDRESS));

    // maps
    static final MethodHandle map_name = Native.libbpf("bpf_map__name", FunctionDescriptor.of(ADDRESS, ADDRESS));
    static final MethodHandle map_fd = Native.libbpf("bpf_map__fd", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    static final MethodHandle map_type = Native.libbpf("bpf_map__type", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    static final MethodHandle map_key_size = Native.libbpf("bpf_map__key_size", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    static final MethodHandle map_value_size = Native.libbpf("bpf_map__value_size", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    static final MethodHandle map_max_entries = Native.libbpf("bpf_map__max_entries", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    static final MethodHandle map_set_max_entries = Native.libbpf("bpf_map__set_max_entries", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    static final MethodHandle map_reuse_fd = Native.libbpf("bpf_map__reuse_fd", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    static final MethodHandle map_pin = Native.libbpf("bpf_map__pin", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    static final MethodHandle map_unpin = Native.libbpf("bpf_map__unpin", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    static final MethodHandle map_update_elem = Native.libbpf("bpf_map_update_elem", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG), CRITICAL);
    static final MethodHandle map_lookup_elem = Native.libbpf("bpf_map_lookup_elem", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), CRITICAL);
    static final MethodHandle map_delete_elem = Native.libbpf("bpf_map_delete_elem", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS), CRITICAL);
    static final MethodHandle map_get_next_key = Native.libbpf("bpf_map_get_next_key", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), CRITICAL);
    static final MethodHandle obj_pin = Native.libbpf("bpf_obj_pin", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    static final MethodHandle obj_get = Native.libbpf("bpf_obj_get", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    static final MethodHandle prog_test_run_opts = Native.libbpf("bpf_prog_test_run_opts", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));

    // TC
    static final MethodHandle tc_hook_create = Native.libbpf("bpf_tc_hook_create", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    static final MethodHandle tc_hook_destroy = Native.libbpf("bpf_tc_hook_destroy", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    static final MethodHandle tc_attach = Native.libbpf("bpf_tc_attach", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    static final MethodHandle tc_detach = Native.libbpf("bpf_tc_detach", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));

    // BTF
    static final MethodHandle btf_find_by_name_kind = Native.libbpf("btf__find_by_name_kind", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    static final MethodHandle btf_type_by_id = Native.libbpf("btf__type_by_id", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));
    static final MethodHandle btf_name_by_offset = Native.libbpf("btf__name_by_offset", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));
    static final MethodHandle btf_resolve_size = Native.libbpf("btf__resolve_size", FunctionDescriptor.of(JAVA_LONG, ADDRESS, JAVA_INT));

    /** Throws a BpfException for a negative libbpf int result (-errno), else returns it. */
    static int check(int result, String operation) {
        if (result < 0) throw new BpfException(operation, -result);
        return result;
    }

    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException(t);
    }
}

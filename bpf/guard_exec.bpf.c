// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Escape guard, exec: the suspicious command library matched on the executable's name and
 * its argument tokens, before the new image runs one instruction.
 *
 * A rule names executables (a bitmask per name hash in vigil_cmd_binaries) and up to two
 * argument groups (vigil_cmd_tokens: exact or prefix hashes); it matches when the name
 * matches and, for each group it has, some argument is in that group.
 */
#include "vigil_guard_maps.h"

#define VIGIL_ARGS_MASK (2 * VIGIL_ARGS_MAX - 1)

char LICENSE[] SEC("license") = "Dual BSD/GPL";

struct vigil_guard_event *vigil_btf_vigil_guard_event __attribute__((section(".vigil.btf"), used));

/* Scanning argv, one byte per step: hashes each argument, exact and at prefix lengths. */
struct vigil_token_scan {
	const __u8 *args;
	__u32 len;
	__u32 token_start;
	__u64 hash;
	__u64 prefix_lens;
	__u64 group1;
	__u64 group2;
};

static __always_inline void vigil_token_lookup(struct vigil_token_scan *sc, __u32 kind)
{
	struct vigil_cmd_token_key key = { .hash = sc->hash, .kind = kind };
	struct vigil_cmd_token *tok = bpf_map_lookup_elem(&vigil_cmd_tokens, &key);

	if (tok) {
		sc->group1 |= tok->group1;
		sc->group2 |= tok->group2;
	}
}

static int vigil_token_step(__u32 i, void *ctx)
{
	struct vigil_token_scan *sc = ctx;
	__u32 n;
	__u8 c;

	if (i > sc->len)
		return 1;
	c = i == sc->len ? 0 : sc->args[vigil_bound(i, VIGIL_ARGS_MASK)];
	if (c == 0) {
		if (i > sc->token_start)
			vigil_token_lookup(sc, VIGIL_TOKEN_EXACT);
		sc->token_start = i + 1;
		sc->hash = VIGIL_FNV_OFFSET;
		return 0;
	}
	sc->hash = vigil_fnv(sc->hash, c);
	n = i + 1 - sc->token_start;
	if (n < 64 && (sc->prefix_lens >> n) & 1)
		vigil_token_lookup(sc, VIGIL_TOKEN_PREFIX);
	return 0;
}

/* Hash of a NUL-terminated kernel string's basename (after its last '/'), at most 255 bytes. */
struct vigil_name_hash {
	const __u8 *s;
	__u64 hash;
};

static int vigil_name_step(__u32 i, void *ctx)
{
	struct vigil_name_hash *h = ctx;
	__u8 c = h->s[vigil_bound(i, VIGIL_NAME_MAX)];

	if (c == 0)
		return 1;
	h->hash = c == '/' ? VIGIL_FNV_OFFSET : vigil_fnv(h->hash, c);
	return 0;
}

static __always_inline __u64 vigil_basename_hash(const __u8 *s)
{
	struct vigil_name_hash h = { .s = s, .hash = VIGIL_FNV_OFFSET };

	bpf_loop(VIGIL_NAME_MAX, vigil_name_step, &h, 0);
	return h.hash;
}

static __always_inline __u64 vigil_binary_rules(__u64 hash, __u32 *flags)
{
	struct vigil_cmd_binary *b = bpf_map_lookup_elem(&vigil_cmd_binaries, &hash);

	if (!b)
		return 0;
	*flags |= b->flags;
	return b->rules;
}

static __always_inline __u32 vigil_lowest_bit(__u64 mask)
{
	__u32 i;

	for (i = 0; i < 64; i++)
		if ((mask >> i) & 1)
			return i;
	return 64;
}

/* Rules the executable's own file name selects (the dentry, so a renamed copy still counts). */
static __always_inline __u64 vigil_file_rules(struct vigil_guard_scratch *s, struct file *file,
					      __u32 *flags)
{
	const unsigned char *name = BPF_CORE_READ(file, f_path.dentry, d_name.name);

	if (bpf_probe_read_kernel_str(s->name, sizeof(s->name), name) <= 0)
		return 0;
	return vigil_binary_rules(vigil_basename_hash(s->name), flags);
}

static __always_inline __u64 vigil_emit_command(struct vigil_guard_scratch *s, struct file *file,
						__u64 matched, __u64 action_bits, __u8 action,
						__u8 enforcement, __u32 args_len, bool args_cut)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	struct fs_struct *fs = BPF_CORE_READ(t, fs);
	struct vigil_guard_event *ev = vigil_guard_begin(s, VIGIL_PROT_COMMAND, action, enforcement);
	bool truncated = false;
	__u32 len;
	__u64 off = sizeof(*ev);

	ev->rule = vigil_lowest_bit(action_bits);
	ev->arg = (__s64)matched;
	len = vigil_path_build(&s->path, BPF_CORE_READ(file, f_path.dentry),
			       BPF_CORE_READ(file, f_path.mnt), &fs->root, &truncated);
	len = vigil_guard_append_kernel(s, off, &s->path.b[(VIGIL_PATH_MAX - len) & (VIGIL_PATH_MAX - 1)], len);
	ev->path_len = len;
	off += len;
	if (truncated)
		ev->flags |= VIGIL_GF_PATH_TRUNCATED;
	len = vigil_guard_append_kernel(s, off, s->args, args_len);
	ev->detail_len = len;
	off += len;
	if (args_cut)
		ev->flags |= VIGIL_GF_DETAIL_TRUNCATED;
	vigil_guard_submit(ev, off);
	return 0;
}

/*
 * Signal mode, and argument rules in every mode: sched_process_exec fires after the new
 * image is committed (its argv readable from its own stack) and before it runs; a SIGKILL
 * sent here is fatal before the first user instruction.
 */
SEC("tp_btf/sched_process_exec")
int BPF_PROG(vigil_guard_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	struct vigil_guard_scratch *s;
	struct vigil_guard_settings *settings;
	struct vigil_guard_config *cfg;
	struct vigil_token_scan scan = {};
	struct file *file;
	struct mm_struct *mm;
	unsigned long start, end;
	__u64 rules, matched, hits, blocks;
	__u32 scope_flags, bin_flags = 0, len, argv0_end, i, n;
	bool cut = false;

	settings = vigil_guard_current(&scope_flags);
	if (!settings || !(settings->command_alert | settings->command_block))
		return 0;
	cfg = vigil_guard_cfg();
	s = vigil_guard_workspace();
	if (!cfg || !s)
		return 0;

	file = BPF_CORE_READ(bprm, file);
	rules = vigil_file_rules(s, file, &bin_flags);

	mm = BPF_CORE_READ(p, mm);
	start = BPF_CORE_READ(mm, arg_start);
	end = BPF_CORE_READ(mm, arg_end);
	len = end > start ? end - start : 0;
	if (len > VIGIL_ARGS_MAX) {
		len = VIGIL_ARGS_MAX;
		cut = true;
	}
	/* One register, checked where it is used: clang would otherwise pass an unchecked copy. */
	if (len == 0)
		return 0;
	n = len;
	asm volatile("" : "+r"(n));
	if (bpf_probe_read_user(s->args, n & VIGIL_ARGS_MASK, (void *)start))
		return 0;
	s->args[vigil_bound(len, VIGIL_ARGS_MASK)] = 0;
	if (!cut && s->args[vigil_bound(len - 1, VIGIL_ARGS_MASK)] == 0)
		len--;

	/* argv[0]'s basename: how a multi-call binary (busybox) picks its applet. */
	rules |= vigil_binary_rules(vigil_basename_hash(s->args), &bin_flags);
	argv0_end = 0;
	for (i = 0; i < 256; i++) {
		if (i >= len || s->args[vigil_bound(i, VIGIL_ARGS_MASK)] == 0)
			break;
		argv0_end = i + 1;
	}
	if ((bin_flags & VIGIL_CMD_MULTICALL) && argv0_end + 1 < len)
		rules |= vigil_binary_rules(vigil_basename_hash(&s->args[vigil_bound(argv0_end + 1, 511)]),
					    &bin_flags);
	/* An LSM program attached for these rules has already decided them. */
	rules &= ~cfg->lsm_rules;
	if (!rules)
		return 0;

	scan.args = s->args;
	scan.len = len;
	scan.token_start = argv0_end + 1;
	scan.hash = VIGIL_FNV_OFFSET;
	scan.prefix_lens = cfg->prefix_lens;
	bpf_loop(VIGIL_ARGS_MAX + 1, vigil_token_step, &scan, 0);

	matched = rules & (~cfg->needs_group1 | scan.group1) & (~cfg->needs_group2 | scan.group2);
	blocks = matched & settings->command_block;
	hits = matched & (settings->command_alert | settings->command_block);
	if (!hits || vigil_is_runtime_setup())
		return 0;
	if (blocks)
		vigil_guard_kill();
	vigil_emit_command(s, file, matched, blocks ? blocks : hits,
			   blocks ? VIGIL_ACT_BLOCK : VIGIL_ACT_ALERT,
			   blocks ? VIGIL_ENF_SIGNAL : VIGIL_ENF_NONE, len, cut);
	return 0;
}

/*
 * LSM mode for rules that need no argument: bprm_check_security runs before the point of
 * no return, so -EPERM fails the execve itself and the caller lives on. Arguments of the
 * new image are not readable yet (they sit in the new mm), so argument rules stay with
 * the tracepoint above.
 */
SEC("lsm/bprm_check_security")
int BPF_PROG(vigil_guard_bprm, struct linux_binprm *bprm, int ret)
{
	struct vigil_guard_scratch *s;
	struct vigil_guard_settings *settings;
	struct vigil_guard_config *cfg;
	struct file *file;
	const char *filename;
	__u64 rules, hits, blocks;
	__u32 scope_flags, bin_flags = 0, len;

	if (ret)
		return ret;
	settings = vigil_guard_current(&scope_flags);
	if (!settings || !(settings->command_alert | settings->command_block))
		return 0;
	cfg = vigil_guard_cfg();
	s = vigil_guard_workspace();
	if (!cfg || !s)
		return 0;
	file = BPF_CORE_READ(bprm, file);
	rules = vigil_file_rules(s, file, &bin_flags);
	filename = BPF_CORE_READ(bprm, filename);
	if (bpf_probe_read_kernel_str(s->name, sizeof(s->name), filename) > 0)
		rules |= vigil_binary_rules(vigil_basename_hash(s->name), &bin_flags);
	rules &= cfg->lsm_rules;
	blocks = rules & settings->command_block;
	hits = rules & (settings->command_alert | settings->command_block);
	if (!hits || vigil_is_runtime_setup())
		return 0;
	/* The record's detail is the name the caller asked for; argv is not readable here. */
	len = bpf_probe_read_kernel_str(s->args, VIGIL_NAME_MAX, filename);
	vigil_emit_command(s, file, rules, blocks ? blocks : hits,
			   blocks ? VIGIL_ACT_BLOCK : VIGIL_ACT_ALERT,
			   blocks ? VIGIL_ENF_LSM : VIGIL_ENF_NONE, len > 0 ? len - 1 : 0, false);
	return blocks ? -VIGIL_EPERM : 0;
}

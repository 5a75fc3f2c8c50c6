// SPDX-License-Identifier: GPL-2.0
/*
 * `cpuid`: the boot CPU's identification decoded as /proc/cpuinfo shows it (vendor, family,
 * model, stepping, model name, flags, address sizes), or one raw leaf. Flag names are
 * Linux's /proc/cpuinfo names, from one table of {leaf, register, bit, name} rows, in
 * Linux's capability-word order.
 */
#define pr_fmt(fmt) "monitor: " fmt
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/errno.h>
#include <linux/printk.h>
#include <asm/special_insns.h>
#include "monitor.h"

#define CPUID_EXT_BASE 0x80000000
#define CPUID_BRAND_FIRST 0x80000002
#define CPUID_BRAND_LAST 0x80000004
#define CPUID_ADDR_SIZES 0x80000008

enum cpuid_reg { CPUID_EAX, CPUID_EBX, CPUID_ECX, CPUID_EDX, NR_CPUID_REGS };

struct cpuid_regs {
	u32 r[NR_CPUID_REGS];
};

struct cpuid_flag {
	u32 leaf; /* subleaf 0 */
	u8 reg;
	u8 bit;
	const char *name;
};

static const struct cpuid_flag cpuid_flags[] = {
	/* Linux word 0: leaf 1, EDX */
	{ 1, CPUID_EDX, 0, "fpu" },
	{ 1, CPUID_EDX, 1, "vme" },
	{ 1, CPUID_EDX, 2, "de" },
	{ 1, CPUID_EDX, 3, "pse" },
	{ 1, CPUID_EDX, 4, "tsc" },
	{ 1, CPUID_EDX, 5, "msr" },
	{ 1, CPUID_EDX, 6, "pae" },
	{ 1, CPUID_EDX, 7, "mce" },
	{ 1, CPUID_EDX, 8, "cx8" },
	{ 1, CPUID_EDX, 9, "apic" },
	{ 1, CPUID_EDX, 11, "sep" },
	{ 1, CPUID_EDX, 12, "mtrr" },
	{ 1, CPUID_EDX, 13, "pge" },
	{ 1, CPUID_EDX, 14, "mca" },
	{ 1, CPUID_EDX, 15, "cmov" },
	{ 1, CPUID_EDX, 16, "pat" },
	{ 1, CPUID_EDX, 17, "pse36" },
	{ 1, CPUID_EDX, 18, "pn" },
	{ 1, CPUID_EDX, 19, "clflush" },
	{ 1, CPUID_EDX, 21, "dts" },
	{ 1, CPUID_EDX, 22, "acpi" },
	{ 1, CPUID_EDX, 23, "mmx" },
	{ 1, CPUID_EDX, 24, "fxsr" },
	{ 1, CPUID_EDX, 25, "sse" },
	{ 1, CPUID_EDX, 26, "sse2" },
	{ 1, CPUID_EDX, 27, "ss" },
	{ 1, CPUID_EDX, 28, "ht" },
	{ 1, CPUID_EDX, 29, "tm" },
	{ 1, CPUID_EDX, 30, "ia64" },
	{ 1, CPUID_EDX, 31, "pbe" },
	/* word 1: leaf 0x80000001, EDX */
	{ 0x80000001, CPUID_EDX, 11, "syscall" },
	{ 0x80000001, CPUID_EDX, 19, "mp" },
	{ 0x80000001, CPUID_EDX, 20, "nx" },
	{ 0x80000001, CPUID_EDX, 22, "mmxext" },
	{ 0x80000001, CPUID_EDX, 25, "fxsr_opt" },
	{ 0x80000001, CPUID_EDX, 26, "pdpe1gb" },
	{ 0x80000001, CPUID_EDX, 27, "rdtscp" },
	{ 0x80000001, CPUID_EDX, 29, "lm" },
	{ 0x80000001, CPUID_EDX, 30, "3dnowext" },
	{ 0x80000001, CPUID_EDX, 31, "3dnow" },
	/* word 4: leaf 1, ECX */
	{ 1, CPUID_ECX, 0, "pni" },
	{ 1, CPUID_ECX, 1, "pclmulqdq" },
	{ 1, CPUID_ECX, 2, "dtes64" },
	{ 1, CPUID_ECX, 3, "monitor" },
	{ 1, CPUID_ECX, 4, "ds_cpl" },
	{ 1, CPUID_ECX, 5, "vmx" },
	{ 1, CPUID_ECX, 6, "smx" },
	{ 1, CPUID_ECX, 7, "est" },
	{ 1, CPUID_ECX, 8, "tm2" },
	{ 1, CPUID_ECX, 9, "ssse3" },
	{ 1, CPUID_ECX, 10, "cid" },
	{ 1, CPUID_ECX, 11, "sdbg" },
	{ 1, CPUID_ECX, 12, "fma" },
	{ 1, CPUID_ECX, 13, "cx16" },
	{ 1, CPUID_ECX, 14, "xtpr" },
	{ 1, CPUID_ECX, 15, "pdcm" },
	{ 1, CPUID_ECX, 17, "pcid" },
	{ 1, CPUID_ECX, 18, "dca" },
	{ 1, CPUID_ECX, 19, "sse4_1" },
	{ 1, CPUID_ECX, 20, "sse4_2" },
	{ 1, CPUID_ECX, 21, "x2apic" },
	{ 1, CPUID_ECX, 22, "movbe" },
	{ 1, CPUID_ECX, 23, "popcnt" },
	{ 1, CPUID_ECX, 24, "tsc_deadline_timer" },
	{ 1, CPUID_ECX, 25, "aes" },
	{ 1, CPUID_ECX, 26, "xsave" },
	{ 1, CPUID_ECX, 28, "avx" },
	{ 1, CPUID_ECX, 29, "f16c" },
	{ 1, CPUID_ECX, 30, "rdrand" },
	{ 1, CPUID_ECX, 31, "hypervisor" },
	/* word 6: leaf 0x80000001, ECX */
	{ 0x80000001, CPUID_ECX, 0, "lahf_lm" },
	{ 0x80000001, CPUID_ECX, 1, "cmp_legacy" },
	{ 0x80000001, CPUID_ECX, 2, "svm" },
	{ 0x80000001, CPUID_ECX, 3, "extapic" },
	{ 0x80000001, CPUID_ECX, 4, "cr8_legacy" },
	{ 0x80000001, CPUID_ECX, 5, "abm" },
	{ 0x80000001, CPUID_ECX, 6, "sse4a" },
	{ 0x80000001, CPUID_ECX, 7, "misalignsse" },
	{ 0x80000001, CPUID_ECX, 8, "3dnowprefetch" },
	{ 0x80000001, CPUID_ECX, 9, "osvw" },
	{ 0x80000001, CPUID_ECX, 10, "ibs" },
	{ 0x80000001, CPUID_ECX, 11, "xop" },
	{ 0x80000001, CPUID_ECX, 12, "skinit" },
	{ 0x80000001, CPUID_ECX, 13, "wdt" },
	{ 0x80000001, CPUID_ECX, 15, "lwp" },
	{ 0x80000001, CPUID_ECX, 16, "fma4" },
	{ 0x80000001, CPUID_ECX, 17, "tce" },
	{ 0x80000001, CPUID_ECX, 19, "nodeid_msr" },
	{ 0x80000001, CPUID_ECX, 21, "tbm" },
	{ 0x80000001, CPUID_ECX, 22, "topoext" },
	{ 0x80000001, CPUID_ECX, 23, "perfctr_core" },
	{ 0x80000001, CPUID_ECX, 24, "perfctr_nb" },
	{ 0x80000001, CPUID_ECX, 26, "bpext" },
	{ 0x80000001, CPUID_ECX, 27, "ptsc" },
	{ 0x80000001, CPUID_ECX, 28, "perfctr_llc" },
	{ 0x80000001, CPUID_ECX, 29, "mwaitx" },
	/* word 9: leaf 7, EBX */
	{ 7, CPUID_EBX, 0, "fsgsbase" },
	{ 7, CPUID_EBX, 1, "tsc_adjust" },
	{ 7, CPUID_EBX, 2, "sgx" },
	{ 7, CPUID_EBX, 3, "bmi1" },
	{ 7, CPUID_EBX, 4, "hle" },
	{ 7, CPUID_EBX, 5, "avx2" },
	{ 7, CPUID_EBX, 7, "smep" },
	{ 7, CPUID_EBX, 8, "bmi2" },
	{ 7, CPUID_EBX, 9, "erms" },
	{ 7, CPUID_EBX, 10, "invpcid" },
	{ 7, CPUID_EBX, 11, "rtm" },
	{ 7, CPUID_EBX, 12, "cqm" },
	{ 7, CPUID_EBX, 14, "mpx" },
	{ 7, CPUID_EBX, 15, "rdt_a" },
	{ 7, CPUID_EBX, 16, "avx512f" },
	{ 7, CPUID_EBX, 17, "avx512dq" },
	{ 7, CPUID_EBX, 18, "rdseed" },
	{ 7, CPUID_EBX, 19, "adx" },
	{ 7, CPUID_EBX, 20, "smap" },
	{ 7, CPUID_EBX, 21, "avx512ifma" },
	{ 7, CPUID_EBX, 23, "clflushopt" },
	{ 7, CPUID_EBX, 24, "clwb" },
	{ 7, CPUID_EBX, 25, "intel_pt" },
	{ 7, CPUID_EBX, 26, "avx512pf" },
	{ 7, CPUID_EBX, 27, "avx512er" },
	{ 7, CPUID_EBX, 28, "avx512cd" },
	{ 7, CPUID_EBX, 29, "sha_ni" },
	{ 7, CPUID_EBX, 30, "avx512bw" },
	{ 7, CPUID_EBX, 31, "avx512vl" },
	/* word 16: leaf 7, ECX */
	{ 7, CPUID_ECX, 1, "avx512vbmi" },
	{ 7, CPUID_ECX, 2, "umip" },
	{ 7, CPUID_ECX, 3, "pku" },
	{ 7, CPUID_ECX, 4, "ospke" },
	{ 7, CPUID_ECX, 5, "waitpkg" },
	{ 7, CPUID_ECX, 6, "avx512_vbmi2" },
	{ 7, CPUID_ECX, 8, "gfni" },
	{ 7, CPUID_ECX, 9, "vaes" },
	{ 7, CPUID_ECX, 10, "vpclmulqdq" },
	{ 7, CPUID_ECX, 11, "avx512_vnni" },
	{ 7, CPUID_ECX, 12, "avx512_bitalg" },
	{ 7, CPUID_ECX, 13, "tme" },
	{ 7, CPUID_ECX, 14, "avx512_vpopcntdq" },
	{ 7, CPUID_ECX, 16, "la57" },
	{ 7, CPUID_ECX, 22, "rdpid" },
	{ 7, CPUID_ECX, 24, "bus_lock_detect" },
	{ 7, CPUID_ECX, 25, "cldemote" },
	{ 7, CPUID_ECX, 27, "movdiri" },
	{ 7, CPUID_ECX, 28, "movdir64b" },
	{ 7, CPUID_ECX, 29, "enqcmd" },
	{ 7, CPUID_ECX, 30, "sgx_lc" },
	/* word 18: leaf 7, EDX */
	{ 7, CPUID_EDX, 2, "avx512_4vnniw" },
	{ 7, CPUID_EDX, 3, "avx512_4fmaps" },
	{ 7, CPUID_EDX, 4, "fsrm" },
	{ 7, CPUID_EDX, 8, "avx512_vp2intersect" },
	{ 7, CPUID_EDX, 10, "md_clear" },
	{ 7, CPUID_EDX, 14, "serialize" },
	{ 7, CPUID_EDX, 16, "tsxldtrk" },
	{ 7, CPUID_EDX, 18, "pconfig" },
	{ 7, CPUID_EDX, 19, "arch_lbr" },
	{ 7, CPUID_EDX, 20, "ibt" },
	{ 7, CPUID_EDX, 22, "amx_bf16" },
	{ 7, CPUID_EDX, 23, "avx512_fp16" },
	{ 7, CPUID_EDX, 24, "amx_tile" },
	{ 7, CPUID_EDX, 25, "amx_int8" },
	{ 7, CPUID_EDX, 28, "flush_l1d" },
	{ 7, CPUID_EDX, 29, "arch_capabilities" },
};

/* The four registers of one leaf and subleaf. */
static struct cpuid_regs cpuid_leaf(u32 leaf, u32 subleaf)
{
	struct cpuid_regs r;

	cpuid_count(leaf, subleaf, &r.r[CPUID_EAX], &r.r[CPUID_EBX], &r.r[CPUID_ECX],
		    &r.r[CPUID_EDX]);
	return r;
}

/* Whether leaf exists on this CPU: at or below the highest basic or extended leaf. */
static bool cpuid_has_leaf(u32 leaf)
{
	u32 base = leaf & CPUID_EXT_BASE;
	u32 max = cpuid_leaf(base, 0).r[CPUID_EAX];

	return max >= base && leaf <= max;
}

/* "flags\t\t: fpu vme ...": every set bit the table names. */
static void cpuid_print_flags(void)
{
	struct cpuid_regs r = {};
	u32 cached = ~0U;

	con_printf("flags\t\t:");
	for (size_t i = 0; i < ARRAY_SIZE(cpuid_flags); i++) {
		const struct cpuid_flag *f = &cpuid_flags[i];

		if (f->leaf != cached) {
			cached = f->leaf;
			r = cpuid_has_leaf(f->leaf) ? cpuid_leaf(f->leaf, 0) :
						      (struct cpuid_regs){};
		}
		if (r.r[f->reg] & (1U << f->bit))
			con_printf(" %s", f->name);
	}
	con_printf("\n");
}

/* "model name": the 48-byte brand string, without its leading and trailing blanks. */
static void cpuid_print_model_name(void)
{
	char brand[3 * sizeof(struct cpuid_regs) + 1];
	char *s = brand;
	size_t n;

	if (!cpuid_has_leaf(CPUID_BRAND_LAST)) {
		con_printf("model name\t: unknown\n");
		return;
	}
	for (u32 leaf = CPUID_BRAND_FIRST; leaf <= CPUID_BRAND_LAST; leaf++) {
		struct cpuid_regs r = cpuid_leaf(leaf, 0);

		memcpy(brand + (leaf - CPUID_BRAND_FIRST) * sizeof(r), r.r, sizeof(r));
	}
	brand[sizeof(brand) - 1] = '\0';
	while (*s == ' ')
		s++;
	n = strlen(s);
	while (n && s[n - 1] == ' ')
		s[--n] = '\0';
	con_printf("model name\t: %s\n", s);
}

/* vendor, signature (family/model/stepping as Linux's x86_family()/x86_model()), leaves. */
static void cpuid_print_ident(void)
{
	struct cpuid_regs r0 = cpuid_leaf(0, 0), r1 = cpuid_leaf(1, 0);
	u32 sig = r1.r[CPUID_EAX];
	u32 family = (sig >> 8) & 0xf, model = (sig >> 4) & 0xf;
	char vendor[13];

	memcpy(vendor, &r0.r[CPUID_EBX], 4);
	memcpy(vendor + 4, &r0.r[CPUID_EDX], 4);
	memcpy(vendor + 8, &r0.r[CPUID_ECX], 4);
	vendor[12] = '\0';
	if (family == 0xf)
		family += (sig >> 20) & 0xff;
	if (family >= 6)
		model += ((sig >> 16) & 0xf) << 4;
	con_printf("vendor_id\t: %s\n", vendor);
	con_printf("cpu family\t: %u\n", family);
	con_printf("model\t\t: %u\n", model);
	cpuid_print_model_name();
	con_printf("stepping\t: %u\n", sig & 0xf);
	con_printf("cpuid level\t: %u\n", r0.r[CPUID_EAX]);
	con_printf("cpuid ext level\t: 0x%08x\n", cpuid_leaf(CPUID_EXT_BASE, 0).r[CPUID_EAX]);
}

/* The whole decoded view, /proc/cpuinfo style. */
static void cpuid_print_all(void)
{
	cpuid_print_ident();
	cpuid_print_flags();
	if (cpuid_has_leaf(CPUID_ADDR_SIZES)) {
		u32 eax = cpuid_leaf(CPUID_ADDR_SIZES, 0).r[CPUID_EAX];

		con_printf("address sizes\t: %u bits physical, %u bits virtual\n", eax & 0xff,
			   (eax >> 8) & 0xff);
	}
}

/* `cpuid [LEAF [SUBLEAF]]`: decoded, or one leaf's four registers raw. */
int cmd_cpuid(int argc, char **argv)
{
	unsigned long leaf = 0, sub = 0;
	struct cpuid_regs r;

	if (argc > 3 || (argc > 1 && (monitor_parse_num(argv[1], &leaf) || leaf != (u32)leaf)) ||
	    (argc > 2 && (monitor_parse_num(argv[2], &sub) || sub != (u32)sub)))
		return monitor_usage(argv[0]);
	if (argc == 1) {
		cpuid_print_all();
		return 0;
	}
	r = cpuid_leaf(leaf, sub);
	con_printf("cpuid 0x%08lx 0x%08lx: eax=0x%08x ebx=0x%08x ecx=0x%08x edx=0x%08x\n", leaf,
		   sub, r.r[CPUID_EAX], r.r[CPUID_EBX], r.r[CPUID_ECX], r.r[CPUID_EDX]);
	return 0;
}

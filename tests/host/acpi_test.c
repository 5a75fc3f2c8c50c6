// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests for lib/acpi.c, built with ASan and UBSan.
 *
 * RSDP, XSDT, RSDT, a FACP-like table and a MADT are laid out by hand in a fake physical
 * memory (an exactly-sized heap block at FAKE_BASE). The good layout is checked field by
 * field; each case breaks it one way and expects the matching reason; a fuzz loop mutates
 * bytes and lengths and the read callback checks every access against the block.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#undef __always_inline
#include "../../lib/acpi.c"

#include "check.h"

#define FAKE_BASE 0x1000000ULL
#define FAKE_SIZE 0x1000
#define XSDT_OFF 0x100
#define RSDT_OFF 0x200
#define FACP_OFF 0x300
#define MADT_OFF 0x400
#define FUZZ_ITERATIONS 20000

struct fake {
	u8 *mem;
	u32 size;
	unsigned long reads, bad_reads;
};

static int fake_read(void *ctx, u64 pa, void *buf, u32 len)
{
	struct fake *f = ctx;

	f->reads++;
	if (pa < FAKE_BASE || pa - FAKE_BASE > f->size || len > f->size - (pa - FAKE_BASE)) {
		f->bad_reads++;
		return -1;
	}
	memcpy(buf, f->mem + (pa - FAKE_BASE), len);
	return 0;
}

static void put32(u8 *p, u32 v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (u8)(v >> (8 * i));
}

static void put64(u8 *p, u64 v)
{
	put32(p, (u32)v);
	put32(p + 4, (u32)(v >> 32));
}

static void fix_sum(u8 *p, u32 len, u32 at)
{
	p[at] = 0;
	p[at] = (u8)-sum_bytes(p, len);
}

static void sdt_header(u8 *p, const char *sig, u32 len, u8 rev)
{
	memcpy(p, sig, 4);
	put32(p + 4, len);
	p[8] = rev;
	memcpy(p + 10, "CARTO ", 6);
	memcpy(p + 16, "CARTOTBL", 8);
}

/* The layout's tables all lie in layout.mem; a length past it is left unfixed. */
static u8 *mem_end;

static void sdt_fix(u8 *p)
{
	u32 len = get32(p + 4);

	if (len >= 10 && len <= (u32)(mem_end - p))
		fix_sum(p, len, 9);
}

/* Checksum first, then the extended checksum (which covers the first one). */
static void rsdp_fix(u8 *r)
{
	fix_sum(r, 20, 8);
	if (r[15] >= 2)
		fix_sum(r, 36, 32);
}

struct layout {
	u8 rsdp[36];
	u8 mem[FAKE_SIZE];
};

static u32 madt_len;

/* The good layout: v2 RSDP, XSDT and RSDT both listing FACP and MADT. */
static void build(struct layout *l, bool v2)
{
	u8 *m = l->mem, *a = m + MADT_OFF;
	u32 off = ACPI_MADT_FIXED_SIZE;

	memset(l, 0, sizeof(*l));
	mem_end = l->mem + FAKE_SIZE;
	memcpy(l->rsdp, "RSD PTR ", 8);
	memcpy(l->rsdp + 9, "CARTO ", 6);
	l->rsdp[15] = v2 ? 2 : 0;
	put32(l->rsdp + 16, (u32)(FAKE_BASE + RSDT_OFF));
	if (v2) {
		put32(l->rsdp + 20, 36);
		put64(l->rsdp + 24, FAKE_BASE + XSDT_OFF);
	}
	rsdp_fix(l->rsdp);

	sdt_header(m + XSDT_OFF, "XSDT", 36 + 16, 1);
	put64(m + XSDT_OFF + 36, FAKE_BASE + FACP_OFF);
	put64(m + XSDT_OFF + 44, FAKE_BASE + MADT_OFF);
	sdt_fix(m + XSDT_OFF);
	sdt_header(m + RSDT_OFF, "RSDT", 36 + 8, 1);
	put32(m + RSDT_OFF + 36, (u32)(FAKE_BASE + FACP_OFF));
	put32(m + RSDT_OFF + 40, (u32)(FAKE_BASE + MADT_OFF));
	sdt_fix(m + RSDT_OFF);
	sdt_header(m + FACP_OFF, "FACP", 116, 3);
	sdt_fix(m + FACP_OFF);

	put32(a + 36, 0xfee00000);
	put32(a + 40, 1);
	/* LAPIC 0 enabled, LAPIC 1 enabled, LAPIC 2 disabled */
	for (int i = 0; i < 3; i++, off += 8) {
		a[off] = 0, a[off + 1] = 8, a[off + 2] = (u8)i, a[off + 3] = (u8)(i * 2);
		put32(a + off + 4, i < 2 ? 1 : 0);
	}
	a[off] = 1, a[off + 1] = 12, a[off + 2] = 4;
	put32(a + off + 4, 0xfec00000);
	put32(a + off + 8, 0);
	off += 12;
	a[off] = 2, a[off + 1] = 10, a[off + 2] = 0, a[off + 3] = 0;
	put32(a + off + 4, 2);
	off += 10;
	a[off] = 2, a[off + 1] = 10, a[off + 2] = 0, a[off + 3] = 9;
	put32(a + off + 4, 9);
	a[off + 8] = 0x0d; /* active high, level */
	off += 10;
	a[off] = 4, a[off + 1] = 6, a[off + 2] = 0xff, a[off + 5] = 1; /* LAPIC NMI, skipped */
	off += 6;
	a[off] = 9, a[off + 1] = 16; /* x2APIC 0x100 enabled, uid 7 */
	put32(a + off + 4, 0x100);
	put32(a + off + 8, 1);
	put32(a + off + 12, 7);
	off += 16;
	madt_len = off;
	sdt_header(a, "APIC", off, 4);
	sdt_fix(a);
}

static int run(struct layout *l, u32 rsdp_len, struct acpi_info *info, struct fake *f)
{
	f->mem = malloc(FAKE_SIZE);
	memcpy(f->mem, l->mem, FAKE_SIZE);
	f->size = FAKE_SIZE;
	f->reads = f->bad_reads = 0;
	u8 *r = malloc(rsdp_len);
	memcpy(r, l->rsdp, rsdp_len);
	int rc = acpi_parse(r, rsdp_len, 0xf5a80, fake_read, f, info);
	free(r);
	free(f->mem);
	return rc;
}

static struct acpi_info info;

static void test_good(void)
{
	struct layout l;
	struct fake f;

	build(&l, true);
	CHECK_INT(run(&l, 36, &info, &f), 0);
	CHECK_INT(info.error, ACPI_OK);
	CHECK(info.xsdt);
	CHECK_STR(info.rsdp.sig, "RSDP");
	CHECK_STR(info.rsdp.oem_id, "CARTO ");
	CHECK_EQ(info.rsdp.revision, 2);
	CHECK_EQ(info.rsdp.length, 36);
	CHECK_EQ(info.rsdp.pa, 0xf5a80);
	CHECK_STR(info.root.sig, "XSDT");
	CHECK_EQ(info.root.pa, FAKE_BASE + XSDT_OFF);
	CHECK_EQ(info.root.length, 52);
	CHECK_STR(info.madt.sig, "APIC");
	CHECK_EQ(info.madt.pa, FAKE_BASE + MADT_OFF);
	CHECK_EQ(info.madt.length, madt_len);
	CHECK_EQ(info.madt.revision, 4);
	CHECK_EQ(info.lapic_address, 0xfee00000);
	CHECK_EQ(info.madt_flags, 1);
	CHECK_EQ(info.nr_cpus, 4);
	CHECK_EQ(info.nr_enabled, 3);
	for (u32 i = 0; i < 3; i++) {
		CHECK_EQ(info.cpus[i].type, ACPI_MADT_LAPIC);
		CHECK_EQ(info.cpus[i].acpi_id, i);
		CHECK_EQ(info.cpus[i].apic_id, i * 2);
		CHECK_EQ(info.cpus[i].flags, i < 2);
	}
	CHECK_EQ(info.cpus[3].type, ACPI_MADT_X2APIC);
	CHECK_EQ(info.cpus[3].apic_id, 0x100);
	CHECK_EQ(info.cpus[3].acpi_id, 7);
	CHECK_EQ(info.cpus[3].flags, 1);
	CHECK_EQ(info.nr_ioapics, 1);
	CHECK_EQ(info.ioapics[0].id, 4);
	CHECK_EQ(info.ioapics[0].address, 0xfec00000);
	CHECK_EQ(info.ioapics[0].gsi_base, 0);
	CHECK_EQ(info.nr_overrides, 2);
	CHECK_EQ(info.overrides[0].bus_irq, 0);
	CHECK_EQ(info.overrides[0].gsi, 2);
	CHECK_EQ(info.overrides[0].flags, 0);
	CHECK_EQ(info.overrides[1].bus_irq, 9);
	CHECK_EQ(info.overrides[1].gsi, 9);
	CHECK_EQ(info.overrides[1].flags, 0x0d);
	CHECK_EQ(info.nr_dropped, 0);
	CHECK_EQ(f.bad_reads, 0);

	/* RSDT-only v1 RSDP: the RSDT is used and gives the same MADT. */
	build(&l, false);
	CHECK_INT(run(&l, 20, &info, &f), 0);
	CHECK(!info.xsdt);
	CHECK_STR(info.root.sig, "RSDT");
	CHECK_EQ(info.root.pa, FAKE_BASE + RSDT_OFF);
	CHECK_EQ(info.rsdp.length, 20);
	CHECK_EQ(info.nr_enabled, 3);
	CHECK_EQ(info.ioapics[0].address, 0xfec00000);

	/* v2 with a zero XSDT address falls back to the RSDT. */
	build(&l, true);
	put64(l.rsdp + 24, 0);
	rsdp_fix(l.rsdp);
	CHECK_INT(run(&l, 36, &info, &f), 0);
	CHECK(!info.xsdt);
	CHECK_STR(info.root.sig, "RSDT");
}

enum mut {
	M_RSDP_CSUM, M_RSDP_XCSUM, M_RSDP_SIG, M_RSDP_SHORT, M_RSDP_XLEN, M_XSDT_CSUM, M_XSDT_SIG,
	M_XSDT_LEN_SMALL, M_XSDT_LEN_HUGE, M_XSDT_TRUNC, M_MADT_CSUM, M_MADT_TRUNC, M_MADT_SHORT,
	M_FACP_CSUM, M_NO_MADT, M_ENTRY_LEN0, M_ENTRY_LEN1, M_ENTRY_PAST, M_ENTRY_SHORT, M_NO_CPU,
	M_RSDT_CSUM_V1, M_NO_ROOT, M_NO_RSDP,
};

static const struct {
	enum mut m;
	bool v2;
	enum acpi_err want;
	const char *table;
} cases[] = {
	{ M_RSDP_CSUM, true, ACPI_E_RSDP_CSUM, "RSDP" },
	{ M_RSDP_XCSUM, true, ACPI_E_RSDP_XCSUM, "RSDP" },
	{ M_RSDP_SIG, true, ACPI_E_RSDP_SIG, "RSDP" },
	{ M_RSDP_SHORT, false, ACPI_E_RSDP_SHORT, "RSDP" },
	{ M_RSDP_XLEN, true, ACPI_E_RSDP_XLEN, "RSDP" },
	{ M_XSDT_CSUM, true, ACPI_E_CSUM, "XSDT" },
	{ M_XSDT_SIG, true, ACPI_E_SIG, "XSDT" },
	{ M_XSDT_LEN_SMALL, true, ACPI_E_LEN, "XSDT" },
	{ M_XSDT_LEN_HUGE, true, ACPI_E_LEN, "XSDT" },
	{ M_XSDT_TRUNC, true, ACPI_E_READ, "XSDT" },
	{ M_MADT_CSUM, true, ACPI_E_CSUM, "APIC" },
	{ M_MADT_TRUNC, true, ACPI_E_READ, "APIC" },
	{ M_MADT_SHORT, true, ACPI_E_LEN, "APIC" },
	{ M_FACP_CSUM, true, ACPI_E_CSUM, "FACP" },
	{ M_NO_MADT, true, ACPI_E_NO_MADT, "APIC" },
	{ M_ENTRY_LEN0, true, ACPI_E_ENTRY_LEN, "APIC" },
	{ M_ENTRY_LEN1, true, ACPI_E_ENTRY_LEN, "APIC" },
	{ M_ENTRY_PAST, true, ACPI_E_ENTRY_END, "APIC" },
	{ M_ENTRY_SHORT, true, ACPI_E_ENTRY_SHORT, "APIC" },
	{ M_NO_CPU, true, ACPI_E_NO_CPU, "APIC" },
	{ M_RSDT_CSUM_V1, false, ACPI_E_CSUM, "RSDT" },
	{ M_NO_ROOT, false, ACPI_E_NO_ROOT, "RSDP" },
	{ M_NO_RSDP, false, ACPI_E_NO_RSDP, "RSDP" },
};

static void test_bad(void)
{
	struct layout l;
	struct fake f;

	for (u32 i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		u8 *m = l.mem, *a = m + MADT_OFF, *x = m + XSDT_OFF;
		u32 rlen;
		int rc;

		build(&l, cases[i].v2);
		rlen = cases[i].v2 ? 36 : 20;
		switch (cases[i].m) {
		case M_RSDP_CSUM: l.rsdp[8]++; break;
		case M_RSDP_XCSUM: l.rsdp[32]++; break;
		case M_RSDP_SIG: l.rsdp[0] = 'X'; rsdp_fix(l.rsdp); break;
		case M_RSDP_SHORT: rlen = 19; break;
		case M_RSDP_XLEN: put32(l.rsdp + 20, 64); rsdp_fix(l.rsdp); break;
		case M_XSDT_CSUM: x[9]++; break;
		case M_XSDT_SIG: x[0] = 'Y'; sdt_fix(x); break;
		case M_XSDT_LEN_SMALL: put32(x + 4, 35); break;
		case M_XSDT_LEN_HUGE: put32(x + 4, ACPI_SDT_MAX_LEN + 1); break;
		case M_XSDT_TRUNC: /* move the XSDT to the last 40 bytes, claiming 52 */
			memcpy(m + FAKE_SIZE - 40, x, 40);
			put64(l.rsdp + 24, FAKE_BASE + FAKE_SIZE - 40);
			rsdp_fix(l.rsdp);
			break;
		case M_MADT_CSUM: a[40] ^= 2; break;
		case M_MADT_TRUNC: put32(a + 4, FAKE_SIZE); sdt_fix(a); break;
		case M_MADT_SHORT: put32(a + 4, 40); sdt_fix(a); break;
		case M_FACP_CSUM: m[FACP_OFF + 50] = 1; break;
		case M_NO_MADT: put32(x + 4, 44); sdt_fix(x); break;
		case M_ENTRY_LEN0: a[44 + 8 + 1] = 0; sdt_fix(a); break;
		case M_ENTRY_LEN1: a[44 + 1] = 1; sdt_fix(a); break;
		case M_ENTRY_PAST: a[madt_len - 16 + 1] = 17; sdt_fix(a); break;
		case M_ENTRY_SHORT: a[44 + 3 * 8 + 1] = 8; a[44 + 3 * 8 + 8] = 1; a[44 + 3 * 8 + 9] = 4;
			sdt_fix(a); break; /* IOAPIC of 8 bytes, then a 4-byte unknown entry */
		case M_NO_CPU:
			for (int k = 0; k < 3; k++)
				a[44 + k * 8 + 4] = 0;
			put32(a + madt_len - 16 + 8, 0);
			sdt_fix(a);
			break;
		case M_RSDT_CSUM_V1: m[RSDT_OFF + 20]++; break;
		case M_NO_ROOT: put32(l.rsdp + 16, 0); rsdp_fix(l.rsdp); break;
		case M_NO_RSDP: break;
		}
		if (cases[i].m == M_NO_RSDP) {
			rc = acpi_parse(NULL, 0, 0, fake_read, &f, &info);
		} else {
			rc = run(&l, rlen, &info, &f);
		}
		if (!CHECK_INT(rc, -1) | !CHECK_INT(info.error, cases[i].want) |
		    !CHECK_STR(info.bad_table, cases[i].table))
			printf("     case %u: %s\n", i, acpi_strerror(info.error));
	}
	CHECK_STR(acpi_strerror(ACPI_E_ENTRY_LEN), "entry length below 2");
	CHECK_STR(acpi_strerror(ACPI_E_COUNT), "unknown");
}

static u64 rng = 0xac91f0a2b3c4d5e6ULL;
static u32 rnd(void)
{
	rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
	return (u32)rng;
}

static void test_fuzz(void)
{
	struct layout l;
	struct fake f;
	unsigned long ok = 0, bad = 0, bad_reads = 0;

	for (int it = 0; it < FUZZ_ITERATIONS; it++) {
		build(&l, it & 1);
		int n = 1 + rnd() % 4;

		for (int k = 0; k < n; k++) {
			u32 w = rnd() % 8;
			if (w == 0)
				l.rsdp[rnd() % 36] = (u8)rnd();
			else if (w < 4)
				l.mem[MADT_OFF + rnd() % (madt_len + 8)] = (u8)rnd();
			else if (w < 6)
				l.mem[XSDT_OFF + rnd() % 0x200] = (u8)rnd();
			else
				l.mem[rnd() % FAKE_SIZE] = (u8)rnd();
		}
		if (rnd() & 1) { /* keep checksums right so the deeper checks run */
			sdt_fix(l.mem + MADT_OFF);
			sdt_fix(l.mem + XSDT_OFF);
			rsdp_fix(l.rsdp);
		}
		u32 rlen = (rnd() % 4) ? ((it & 1) ? 36 : 20) : rnd() % 37;
		int rc = run(&l, rlen, &info, &f);

		if (rc == 0) {
			ok++;
			if (info.nr_enabled == 0 || info.nr_cpus > ACPI_MAX_CPUS)
				bad_reads++; /* counted as a failure below */
		} else {
			bad++;
			if (info.error == ACPI_OK || info.error >= ACPI_E_COUNT)
				bad_reads++;
		}
	}
	CHECK_EQ(bad_reads, 0);
	CHECK(ok > 0);
	CHECK(bad > 0);
	printf("  fuzz: %d iterations, %lu parsed, %lu rejected\n", FUZZ_ITERATIONS, ok, bad);
}

int main(void)
{
	test_good();
	test_bad();
	test_fuzz();
	return check_summary("acpi");
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ACPI table discovery: RSDP (a copy from the multiboot2 tag), XSDT or RSDT, MADT.
 *
 * acpi_parse() is plain C over a "read physical memory" callback, so the kernel
 * (early_ioremap) and tests/host (a fake memory) share it. Every length and
 * checksum is checked; on any failure result->error says which table and why,
 * and the caller falls back to one CPU.
 */
#ifndef _CARTO_ACPI_H
#define _CARTO_ACPI_H

#include <linux/types.h>

#define ACPI_SDT_HEADER_SIZE 36
#define ACPI_SDT_MAX_LEN (1U << 20)
#define ACPI_MADT_FIXED_SIZE 44 /* header + local APIC address + flags */
#define ACPI_RSDP_V1_LEN 20
#define ACPI_RSDP_V2_LEN 36

#define ACPI_MADT_LAPIC 0
#define ACPI_MADT_IOAPIC 1
#define ACPI_MADT_INT_SRC_OVR 2
#define ACPI_MADT_X2APIC 9
#define ACPI_MADT_ENABLED 1U

#define ACPI_MAX_CPUS 64
#define ACPI_MAX_IOAPICS 8
#define ACPI_MAX_OVERRIDES 16

/* Reads len bytes at physical pa into buf: 0, or nonzero when it cannot. */
typedef int (*acpi_read_fn)(void *ctx, u64 pa, void *buf, u32 len);

enum acpi_err {
	ACPI_OK = 0,
	ACPI_E_NO_RSDP,
	ACPI_E_RSDP_SHORT,
	ACPI_E_RSDP_SIG,
	ACPI_E_RSDP_CSUM,
	ACPI_E_RSDP_XLEN,
	ACPI_E_RSDP_XCSUM,
	ACPI_E_NO_ROOT,
	ACPI_E_READ,
	ACPI_E_SIG,
	ACPI_E_LEN,
	ACPI_E_CSUM,
	ACPI_E_NO_MADT,
	ACPI_E_ENTRY_LEN,
	ACPI_E_ENTRY_END,
	ACPI_E_ENTRY_SHORT,
	ACPI_E_NO_CPU,
	ACPI_E_COUNT
};

struct acpi_table_desc {
	char sig[5];
	char oem_id[7];
	u8 revision;
	u32 length;
	u64 pa;
};

struct acpi_cpu {
	u32 acpi_id;
	u32 apic_id;
	u32 flags;
	u8 type; /* ACPI_MADT_LAPIC or ACPI_MADT_X2APIC */
};

struct acpi_ioapic {
	u8 id;
	u32 address;
	u32 gsi_base;
};

struct acpi_override {
	u8 bus;
	u8 bus_irq;
	u32 gsi;
	u16 flags;
};

struct acpi_info {
	enum acpi_err error;
	char bad_table[5]; /* the table the error concerns */
	bool xsdt; /* root is the XSDT (else the RSDT) */
	struct acpi_table_desc rsdp; /* sig "RSDP", length 20 or the v2 length */
	struct acpi_table_desc root;
	struct acpi_table_desc madt;
	u32 lapic_address;
	u32 madt_flags;
	u32 nr_cpus; /* entries in cpus[] (enabled or not) */
	u32 nr_enabled;
	struct acpi_cpu cpus[ACPI_MAX_CPUS];
	u32 nr_ioapics;
	struct acpi_ioapic ioapics[ACPI_MAX_IOAPICS];
	u32 nr_overrides;
	struct acpi_override overrides[ACPI_MAX_OVERRIDES];
	u32 nr_dropped; /* entries beyond the arrays' room */
};

/* Parse from an RSDP copy (rsdp_len bytes). 0, or -1 with info->error set: use one CPU. */
int acpi_parse(const void *rsdp, u32 rsdp_len, u64 rsdp_pa, acpi_read_fn read, void *ctx,
	       struct acpi_info *info);
const char *acpi_strerror(enum acpi_err e);

#ifdef __KERNEL__
extern struct acpi_info acpi_boot;
extern bool acpi_boot_ok;
void acpi_boot_init(void);
#endif

#endif /* _CARTO_ACPI_H */

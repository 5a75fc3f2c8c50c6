// SPDX-License-Identifier: GPL-2.0
/*
 * ACPI RSDP/XSDT/RSDT/MADT parser over a physical-read callback (see carto/acpi.h).
 * It holds no table in memory: checksums are summed in small chunks, MADT entries are
 * read one at a time, and every offset is checked against the table's length first.
 */
#include <linux/types.h>
#include <linux/compiler.h>
#include <carto/acpi.h>

#define ACPI_CHUNK 64

static const char *const acpi_reasons[ACPI_E_COUNT] = {
	[ACPI_OK] = "ok",
	[ACPI_E_NO_RSDP] = "no RSDP from the boot loader",
	[ACPI_E_RSDP_SHORT] = "RSDP shorter than 20 bytes",
	[ACPI_E_RSDP_SIG] = "bad RSDP signature",
	[ACPI_E_RSDP_CSUM] = "bad RSDP checksum",
	[ACPI_E_RSDP_XLEN] = "bad RSDP length",
	[ACPI_E_RSDP_XCSUM] = "bad RSDP extended checksum",
	[ACPI_E_NO_ROOT] = "no XSDT or RSDT address",
	[ACPI_E_READ] = "unreadable",
	[ACPI_E_SIG] = "bad signature",
	[ACPI_E_LEN] = "bad length",
	[ACPI_E_CSUM] = "bad checksum",
	[ACPI_E_NO_MADT] = "no MADT",
	[ACPI_E_ENTRY_LEN] = "entry length below 2",
	[ACPI_E_ENTRY_END] = "entry past the end of the table",
	[ACPI_E_ENTRY_SHORT] = "entry too short for its type",
	[ACPI_E_NO_CPU] = "no enabled CPU",
};

const char *acpi_strerror(enum acpi_err e)
{
	return (unsigned int)e < ACPI_E_COUNT ? acpi_reasons[e] : "unknown";
}

static u32 get32(const u8 *p)
{
	return p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

static u64 get64(const u8 *p)
{
	return get32(p) | (u64)get32(p + 4) << 32;
}

static u8 sum_bytes(const u8 *p, u32 n)
{
	u8 s = 0;

	while (n--)
		s += *p++;
	return s;
}

static void copy_str(char *dst, const u8 *src, u32 n)
{
	for (u32 i = 0; i < n; i++)
		dst[i] = (src[i] >= 0x20 && src[i] < 0x7f) ? (char)src[i] : '?';
	dst[n] = '\0';
}

static bool sig_is(const u8 *p, const char *sig)
{
	return p[0] == sig[0] && p[1] == sig[1] && p[2] == sig[2] && p[3] == sig[3];
}

static int fail(struct acpi_info *info, enum acpi_err e, const char *table)
{
	info->error = e;
	for (int i = 0; i < 4; i++)
		info->bad_table[i] = table[i] ? table[i] : ' ';
	info->bad_table[4] = '\0';
	return -1;
}

static int fail_raw(struct acpi_info *info, enum acpi_err e, const u8 *sig)
{
	char s[5];

	copy_str(s, sig, 4);
	return fail(info, e, s);
}

/*
 * Read and check the SDT at pa: header, length in [36, 1 MiB], checksum over the length.
 * want is the expected signature or NULL (the signature is then only recorded).
 */
static int check_sdt(u64 pa, const char *want, acpi_read_fn read, void *ctx,
		     struct acpi_info *info, struct acpi_table_desc *d)
{
	u8 hdr[ACPI_SDT_HEADER_SIZE], buf[ACPI_CHUNK];
	u32 len;
	u8 sum;

	if (read(ctx, pa, hdr, sizeof(hdr)))
		return want ? fail(info, ACPI_E_READ, want) : fail(info, ACPI_E_READ, "SDT ");
	if (want && !sig_is(hdr, want))
		return fail(info, ACPI_E_SIG, want);
	len = get32(hdr + 4);
	if (len < ACPI_SDT_HEADER_SIZE || len > ACPI_SDT_MAX_LEN)
		return fail_raw(info, ACPI_E_LEN, hdr);
	sum = sum_bytes(hdr, sizeof(hdr));
	for (u32 off = ACPI_SDT_HEADER_SIZE; off < len;) {
		u32 n = len - off < ACPI_CHUNK ? len - off : ACPI_CHUNK;

		if (read(ctx, pa + off, buf, n))
			return fail_raw(info, ACPI_E_READ, hdr);
		sum += sum_bytes(buf, n);
		off += n;
	}
	if (sum)
		return fail_raw(info, ACPI_E_CSUM, hdr);
	copy_str(d->sig, hdr, 4);
	copy_str(d->oem_id, hdr + 10, 6);
	d->revision = hdr[8];
	d->length = len;
	d->pa = pa;
	return 0;
}

/* Entry minimum lengths by type for the types we use; others need only 2. */
static u32 entry_min(u8 type)
{
	switch (type) {
	case ACPI_MADT_LAPIC:
		return 8;
	case ACPI_MADT_IOAPIC:
		return 12;
	case ACPI_MADT_INT_SRC_OVR:
		return 10;
	case ACPI_MADT_X2APIC:
		return 16;
	default:
		return 2;
	}
}

static int walk_madt(acpi_read_fn read, void *ctx, struct acpi_info *info)
{
	u64 pa = info->madt.pa;
	u32 len = info->madt.length;
	u8 fixed[8], e[16];

	if (len < ACPI_MADT_FIXED_SIZE)
		return fail(info, ACPI_E_LEN, "APIC");
	if (read(ctx, pa + ACPI_SDT_HEADER_SIZE, fixed, sizeof(fixed)))
		return fail(info, ACPI_E_READ, "APIC");
	info->lapic_address = get32(fixed);
	info->madt_flags = get32(fixed + 4);

	for (u32 off = ACPI_MADT_FIXED_SIZE; off < len;) {
		u32 elen, n;

		if (len - off < 2)
			return fail(info, ACPI_E_ENTRY_END, "APIC");
		if (read(ctx, pa + off, e, 2))
			return fail(info, ACPI_E_READ, "APIC");
		elen = e[1];
		if (elen < 2)
			return fail(info, ACPI_E_ENTRY_LEN, "APIC");
		if (elen > len - off)
			return fail(info, ACPI_E_ENTRY_END, "APIC");
		if (elen < entry_min(e[0]))
			return fail(info, ACPI_E_ENTRY_SHORT, "APIC");
		n = elen < sizeof(e) ? elen : sizeof(e);
		if (read(ctx, pa + off, e, n))
			return fail(info, ACPI_E_READ, "APIC");

		switch (e[0]) {
		case ACPI_MADT_LAPIC:
		case ACPI_MADT_X2APIC:
			if (info->nr_cpus >= ACPI_MAX_CPUS) {
				info->nr_dropped++;
				break;
			}
			struct acpi_cpu *c = &info->cpus[info->nr_cpus++];

			c->type = e[0];
			if (e[0] == ACPI_MADT_LAPIC) {
				c->acpi_id = e[2];
				c->apic_id = e[3];
				c->flags = get32(e + 4);
			} else {
				c->apic_id = get32(e + 4);
				c->flags = get32(e + 8);
				c->acpi_id = get32(e + 12);
			}
			if (c->flags & ACPI_MADT_ENABLED)
				info->nr_enabled++;
			break;
		case ACPI_MADT_IOAPIC:
			if (info->nr_ioapics >= ACPI_MAX_IOAPICS) {
				info->nr_dropped++;
				break;
			}
			info->ioapics[info->nr_ioapics].id = e[2];
			info->ioapics[info->nr_ioapics].address = get32(e + 4);
			info->ioapics[info->nr_ioapics].gsi_base = get32(e + 8);
			info->nr_ioapics++;
			break;
		case ACPI_MADT_INT_SRC_OVR:
			if (info->nr_overrides >= ACPI_MAX_OVERRIDES) {
				info->nr_dropped++;
				break;
			}
			info->overrides[info->nr_overrides].bus = e[2];
			info->overrides[info->nr_overrides].bus_irq = e[3];
			info->overrides[info->nr_overrides].gsi = get32(e + 4);
			info->overrides[info->nr_overrides].flags = (u16)(e[8] | e[9] << 8);
			info->nr_overrides++;
			break;
		default:
			break;
		}
		off += elen;
	}
	if (!info->nr_enabled)
		return fail(info, ACPI_E_NO_CPU, "APIC");
	return 0;
}

int acpi_parse(const void *rsdp, u32 rsdp_len, u64 rsdp_pa, acpi_read_fn read, void *ctx,
	       struct acpi_info *info)
{
	const u8 *r = rsdp;
	u32 entry_size, nr;
	u64 root_pa;

	for (u32 i = 0; i < sizeof(*info); i++)
		((u8 *)info)[i] = 0;
	if (!r || !read)
		return fail(info, ACPI_E_NO_RSDP, "RSDP");
	if (rsdp_len < ACPI_RSDP_V1_LEN)
		return fail(info, ACPI_E_RSDP_SHORT, "RSDP");
	if (!(sig_is(r, "RSD ") && sig_is(r + 4, "PTR ")))
		return fail(info, ACPI_E_RSDP_SIG, "RSDP");
	if (sum_bytes(r, ACPI_RSDP_V1_LEN))
		return fail(info, ACPI_E_RSDP_CSUM, "RSDP");
	copy_str(info->rsdp.sig, (const u8 *)"RSDP", 4);
	copy_str(info->rsdp.oem_id, r + 9, 6);
	info->rsdp.revision = r[15];
	info->rsdp.length = ACPI_RSDP_V1_LEN;
	info->rsdp.pa = rsdp_pa;

	root_pa = get32(r + 16);
	info->xsdt = false;
	if (r[15] >= 2) {
		u32 xlen;

		if (rsdp_len < ACPI_RSDP_V2_LEN)
			return fail(info, ACPI_E_RSDP_XLEN, "RSDP");
		xlen = get32(r + 20);
		if (xlen < ACPI_RSDP_V2_LEN || xlen > rsdp_len)
			return fail(info, ACPI_E_RSDP_XLEN, "RSDP");
		if (sum_bytes(r, xlen))
			return fail(info, ACPI_E_RSDP_XCSUM, "RSDP");
		info->rsdp.length = xlen;
		if (get64(r + 24)) {
			root_pa = get64(r + 24);
			info->xsdt = true;
		}
	}
	if (!root_pa)
		return fail(info, ACPI_E_NO_ROOT, "RSDP");
	if (check_sdt(root_pa, info->xsdt ? "XSDT" : "RSDT", read, ctx, info, &info->root))
		return -1;

	entry_size = info->xsdt ? 8 : 4;
	nr = (info->root.length - ACPI_SDT_HEADER_SIZE) / entry_size;
	for (u32 i = 0; i < nr; i++) {
		struct acpi_table_desc d;
		u8 p[8] = { 0 };
		u64 pa;

		if (read(ctx, root_pa + ACPI_SDT_HEADER_SIZE + (u64)i * entry_size, p, entry_size))
			return fail(info, ACPI_E_READ, info->root.sig);
		pa = entry_size == 8 ? get64(p) : get32(p);
		if (check_sdt(pa, NULL, read, ctx, info, &d))
			return -1;
		if (!info->madt.length && sig_is((const u8 *)d.sig, "APIC"))
			info->madt = d;
	}
	if (!info->madt.length)
		return fail(info, ACPI_E_NO_MADT, "APIC");
	return walk_madt(read, ctx, info);
}

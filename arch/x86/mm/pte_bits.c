// SPDX-License-Identifier: GPL-2.0
/*
 * The entry-flag table: one row per bit of an x86-64 page-table entry, in the order Linux's
 * ptdump prints its columns (USR RW PWT PCD PSE PAT GLB NX), then the bits ptdump does not
 * show. Every decoder — the monitor's pte, pagewalk and ptdump, and the GDB helpers through
 * generated constants — reads this table. Bit 7 is PSE above the pte level and PAT in a pte;
 * a large page keeps PAT in bit 12.
 */
#include <linux/kernel.h>
#include <asm/pgtable.h>

const struct pte_bit_desc pte_bits[] = {
	{ "USR", "user accessible", _PAGE_USER, _PAGE_USER, "USR", "" },
	{ "RW", "writable", _PAGE_RW, _PAGE_RW, "RW", "ro" },
	{ "PWT", "write-through", _PAGE_PWT, _PAGE_PWT, "PWT", "" },
	{ "PCD", "cache disabled", _PAGE_PCD, _PAGE_PCD, "PCD", "" },
	{ "PSE", "large page (leaf above pte)", 0, _PAGE_PSE, "PSE", "" },
	{ "PAT", "page attribute table index", _PAGE_PAT, _PAGE_PAT_LARGE, "PAT", "" },
	{ "GLB", "global (kept across CR3 writes)", _PAGE_GLOBAL, _PAGE_GLOBAL, "GLB", "" },
	{ "NX", "no execute", _PAGE_NX, _PAGE_NX, "NX", "x" },
	{ "P", "present", _PAGE_PRESENT, _PAGE_PRESENT, NULL, NULL },
	{ "A", "accessed", _PAGE_ACCESSED, _PAGE_ACCESSED, NULL, NULL },
	{ "D", "dirty", _PAGE_DIRTY, _PAGE_DIRTY, NULL, NULL },
	{ "SW1", "software bit 9", _BITUL(_PAGE_BIT_SOFTW1), _BITUL(_PAGE_BIT_SOFTW1), NULL, NULL },
	{ "SW2", "software bit 10", _BITUL(_PAGE_BIT_SOFTW2), _BITUL(_PAGE_BIT_SOFTW2), NULL,
	  NULL },
	{ "SW3", "software bit 11", _BITUL(_PAGE_BIT_SOFTW3), _BITUL(_PAGE_BIT_SOFTW3), NULL,
	  NULL },
	{ "PKEY", "protection key (bits 59-62)", 0xfUL << _PAGE_BIT_PKEY_BIT0,
	  0xfUL << _PAGE_BIT_PKEY_BIT0, NULL, NULL },
};
const unsigned int nr_pte_bits = ARRAY_SIZE(pte_bits);

unsigned long pte_bit_mask(const struct pte_bit_desc *b, enum pt_level level, unsigned long e)
{
	if (level == PT_PTE)
		return b->mask_pte;
	/* Bit 12 is PAT only in a large leaf; in a table pointer it is an address bit. */
	if (b->mask_upper == _PAGE_PAT_LARGE && !pt_entry_leaf(level, e))
		return 0;
	if (b->mask_upper == _PAGE_PSE && level != PT_PUD && level != PT_PMD)
		return 0;
	return b->mask_upper;
}

int pte_flags_string(unsigned long e, enum pt_level level, char *buf, size_t size)
{
	int n = 0;

	if (!size)
		return 0;
	buf[0] = '\0';
	for (unsigned int i = 0; i < nr_pte_bits; i++) {
		unsigned long m = pte_bit_mask(&pte_bits[i], level, e);

		if (m && (e & m))
			n += scnprintf(buf + n, size - n, "%s%s", n ? " " : "", pte_bits[i].name);
	}
	return n;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * The boot stub in C (Linux's arch/x86/boot/compressed/misc.c): runs in long mode on the
 * identity map of the low 4 GiB that head_64.asm built. It copies the multiboot2 info to
 * safety, checks that the kernel's load area is RAM and free of GRUB modules, decompresses
 * the lz4 payload (a stripped vmlinux ELF) to LOAD_PHYSICAL_ADDR, moves its PT_LOAD
 * segments to their physical addresses and enters the kernel's startup_64.
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/elf.h>
#include <linux/lz4.h>
#include <carto/multiboot2.h>
#include <asm/page_types.h>
#include "misc.h"

extern const u8 input_data[], input_data_end[];
extern const u64 kernel_text_vaddr, kernel_end_vaddr;
extern u8 _stub_start[], _stub_end[];

void stub_main(u32 magic, u32 info_pa);
__noreturn void stub_jump_kernel(u64 entry_pa, u64 info_pa);

/* The info is copied here: GRUB may have put it where the kernel is about to go. */
#define BOOT_INFO_MAX (64 * 1024)
static u8 boot_info[BOOT_INFO_MAX] __aligned(8);

static bool overlaps(u64 a, u64 a_end, u64 b, u64 b_end)
{
	return a < b_end && b < a_end;
}

/* True if every byte of [start, end) is in available (type 1) RAM per the memory map. */
static bool is_ram(const struct mb2_info *info, u64 start, u64 end)
{
	bool progress = true;

	while (start < end && progress) {
		progress = false;
		for (u32 i = 0; i < info->nr_mmap; i++) {
			const struct mb2_mmap_entry *e = mb2_mmap_entry(info, i);

			if (e->type == MB2_MEMORY_AVAILABLE && e->base_addr <= start &&
			    start < e->base_addr + e->length) {
				start = e->base_addr + e->length;
				progress = true;
			}
		}
	}
	return start >= end;
}

static void check_modules(const struct mb2_info *info, u64 out, u64 out_end)
{
	for (u32 i = 0; i < info->nr_modules; i++) {
		struct mb2_module mod;

		if (mb2_module(info, i, &mod))
			continue;
		if (overlaps(mod.start, mod.end, out, out_end))
			stub_error(
				"carto: boot failed: module %u '%s' at pa=0x%llx-0x%llx overlaps the kernel's load area pa=0x%llx-0x%llx",
				i, mod.cmdline, mod.start, mod.end, out, out_end);
	}
}

/*
 * Where to decompress from: the payload where it is, unless the output would overwrite
 * it; then, as Linux moves the compressed kernel out of the way, copy it just above the
 * output (checking that is RAM too). Returns the payload's address.
 */
static const u8 *place_payload(const struct mb2_info *info, u64 out, u64 out_end, size_t len)
{
	u64 src = (u64)input_data, dst;

	if (!overlaps(src, src + len, out, out_end))
		return input_data;
	dst = ALIGN(out_end, PAGE_SIZE);
	if (!is_ram(info, dst, dst + len))
		stub_error(
			"carto: boot failed: no RAM at pa=0x%llx to move the payload out of the output's way",
			dst);
	stub_printf("carto: payload moved from pa=0x%llx to pa=0x%llx\n", src, dst);
	memmove((void *)dst, input_data, len);
	return (const u8 *)dst;
}

/*
 * Move each PT_LOAD segment of the decompressed ELF at `out` (olen bytes) to its physical
 * address and clear its bss. Segments are in ascending order and each one's file data lies
 * at or above its destination, so the downward moves never clobber data still to be moved.
 * Returns the physical entry point.
 */
static u64 place_elf(u64 out, size_t olen, u64 out_end)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)out;
	u64 entry_pa = 0, last_end = out, entry;
	Elf64_Phdr ph[16];
	u16 n;

	if (olen < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_machine != EM_X86_64)
		stub_error("carto: elf: the payload is not an x86-64 ELF image");
	n = eh->e_phnum;
	if (eh->e_phentsize != sizeof(Elf64_Phdr) || n > ARRAY_SIZE(ph) || eh->e_phoff > olen ||
	    n * sizeof(Elf64_Phdr) > olen - eh->e_phoff)
		stub_error("carto: elf: bad program header table (%u entries at offset %llu)", n,
			   eh->e_phoff);
	/* Keep what we need of the headers: the first segment's move overwrites them. */
	memcpy(ph, (const void *)(out + eh->e_phoff), n * sizeof(Elf64_Phdr));
	entry = eh->e_entry;
	for (u16 i = 0; i < n; i++) {
		const Elf64_Phdr *p = &ph[i];

		if (p->p_type != PT_LOAD)
			continue;
		if (p->p_paddr < last_end || p->p_memsz < p->p_filesz ||
		    p->p_paddr + p->p_memsz > out_end || p->p_offset > olen ||
		    p->p_filesz > olen - p->p_offset || p->p_paddr - out > p->p_offset)
			stub_error(
				"carto: elf: segment %u (pa=0x%llx, %llu bytes) does not fit the load area",
				i, p->p_paddr, p->p_memsz);
		memmove((void *)p->p_paddr, (const void *)(out + p->p_offset), p->p_filesz);
		memset((void *)(p->p_paddr + p->p_filesz), 0, p->p_memsz - p->p_filesz);
		if (entry >= p->p_vaddr && entry < p->p_vaddr + p->p_filesz)
			entry_pa = entry - p->p_vaddr + p->p_paddr;
		last_end = p->p_paddr + p->p_memsz;
	}
	if (!entry_pa)
		stub_error("carto: elf: entry point 0x%llx is in no loaded segment", entry);
	return entry_pa;
}

void stub_main(u32 magic, u32 info_pa)
{
	size_t len = input_data_end - input_data, olen;
	u64 out = LOAD_PHYSICAL_ADDR, out_end, entry_pa;
	u32 total = *(const u32 *)(u64)info_pa;
	struct mb2_info info;
	struct mb2_error err;
	struct lz4_error zerr;
	const u8 *src;

	stub_printf("carto: boot stub at pa=0x%llx-0x%llx, multiboot2 info at pa=0x%x (%u bytes)\n",
		    (u64)_stub_start, (u64)_stub_end, info_pa, total);
	if (magic != MULTIBOOT2_BOOTLOADER_MAGIC)
		stub_error("carto: boot failed: bad multiboot2 magic 0x%x", magic);
	if (total > BOOT_INFO_MAX)
		stub_error("carto: boot failed: multiboot2 info of %u bytes is larger than %u",
			   total, BOOT_INFO_MAX);
	memcpy(boot_info, (const void *)(u64)info_pa, total < 8 ? 8 : total);
	if (mb2_parse(boot_info, sizeof(boot_info), &info, &err))
		stub_error("carto: multiboot2: %s at offset %u", err.reason, err.offset);
	if (len < 4)
		stub_error("carto: lz4: payload of %zu bytes has no size trailer at input offset 0",
			   len);

	/* The output area holds the decompressed ELF, then the placed image with its bss. */
	olen = input_data[len - 4] | input_data[len - 3] << 8 | input_data[len - 2] << 16 |
	       (u32)input_data[len - 1] << 24;
	out_end = out + max((u64)olen, kernel_end_vaddr - kernel_text_vaddr);
	if (!is_ram(&info, out, out_end))
		stub_error(
			"carto: boot failed: pa=0x%llx-0x%llx (%llu KiB for the kernel) is not all RAM",
			out, out_end, (out_end - out) >> 10);
	check_modules(&info, out, out_end);
	src = place_payload(&info, out, out_end, len);

	serial_puts("Decompressing carto... ");
	if (lz4_decompress_payload(src, len, (void *)out, out_end - out, &olen, &zerr))
		stub_error("carto: lz4: %s at input offset %lu", zerr.reason, zerr.offset);
	entry_pa = place_elf(out, olen, out_end);
	stub_printf("done. (%zu -> %zu bytes)\n", len, olen);
	stub_printf("Booting the kernel. (entry pa=0x%llx, image pa=0x%llx-0x%llx)\n", entry_pa,
		    out, out + (kernel_end_vaddr - kernel_text_vaddr));
	stub_jump_kernel(entry_pa, (u64)boot_info);
}

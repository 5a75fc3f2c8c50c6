/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Multiboot2 (GRUB 2): the OS image header constants and the boot
 * information the loader hands over in EBX, with a bounds-checked parser.
 *
 * The parser is plain C over a buffer: the boot stub (freestanding, no libc)
 * and the kernel both use it, and tests/host includes the .c directly.
 * Everything it returns points into the caller's buffer; nothing is copied.
 *
 * Constants are plain numbers so NASM includes and the linker script can
 * share them; the structs are hidden from the assembler.
 */
#ifndef _CARTO_MULTIBOOT2_H
#define _CARTO_MULTIBOOT2_H

/* OS image header: 8-byte aligned within the first 32 KiB of the image. */
#define MULTIBOOT2_HEADER_MAGIC 0xE85250D6
#define MULTIBOOT2_ARCH_I386 0
#define MULTIBOOT2_SEARCH 32768
#define MULTIBOOT2_HEADER_ALIGN 8

/* Header tag types (in the OS image) and the "optional" flag. */
#define MB2_HEADER_TAG_END 0
#define MB2_HEADER_TAG_INFO_REQUEST 1
#define MB2_HEADER_TAG_ADDRESS 2
#define MB2_HEADER_TAG_ENTRY_ADDRESS 3
#define MB2_HEADER_TAG_CONSOLE_FLAGS 4
#define MB2_HEADER_TAG_FRAMEBUFFER 5
#define MB2_HEADER_TAG_MODULE_ALIGN 6
#define MB2_HEADER_TAG_OPTIONAL 1

/* EAX on entry from a Multiboot2 loader; EBX holds the info's physical address. */
#define MULTIBOOT2_BOOTLOADER_MAGIC 0x36d76289

/* Boot information: an 8-byte header, then tags at 8-byte aligned offsets. */
#define MB2_INFO_HEADER_SIZE 8
#define MB2_TAG_HEADER_SIZE 8
#define MB2_TAG_ALIGN 8
#define MB2_INFO_MIN_SIZE (MB2_INFO_HEADER_SIZE + MB2_TAG_HEADER_SIZE)

/* Boot information tag types. */
#define MB2_TAG_END 0
#define MB2_TAG_CMDLINE 1
#define MB2_TAG_BOOT_LOADER_NAME 2
#define MB2_TAG_MODULE 3
#define MB2_TAG_BASIC_MEMINFO 4
#define MB2_TAG_BOOTDEV 5
#define MB2_TAG_MMAP 6
#define MB2_TAG_VBE 7
#define MB2_TAG_FRAMEBUFFER 8
#define MB2_TAG_ELF_SECTIONS 9
#define MB2_TAG_APM 10
#define MB2_TAG_EFI32 11
#define MB2_TAG_EFI64 12
#define MB2_TAG_SMBIOS 13
#define MB2_TAG_ACPI_OLD 14
#define MB2_TAG_ACPI_NEW 15
#define MB2_TAG_NETWORK 16
#define MB2_TAG_EFI_MMAP 17
#define MB2_TAG_EFI_BS 18
#define MB2_TAG_EFI32_IH 19
#define MB2_TAG_EFI64_IH 20
#define MB2_TAG_LOAD_BASE_ADDR 21

/* Memory map entry types; any other value is reserved. */
#define MB2_MEMORY_AVAILABLE 1
#define MB2_MEMORY_RESERVED 2
#define MB2_MEMORY_ACPI_RECLAIMABLE 3
#define MB2_MEMORY_NVS 4
#define MB2_MEMORY_BADRAM 5

/* Sizes the spec fixes: an mmap entry, and the RSDP copies in tags 14 and 15. */
#define MB2_MMAP_ENTRY_MIN_SIZE 24
#define MB2_RSDP_V1_SIZE 20
#define MB2_RSDP_V2_SIZE 36

#ifndef __ASSEMBLY__
#include <linux/types.h>
#include <linux/compiler.h>

/* Fixed part at the start of the boot information. */
struct mb2_info_header {
	u32 total_size; /* bytes, including this header and the end tag */
	u32 reserved; /* zero; the spec says the OS must ignore it */
} __packed;

/* Header shared by every tag; size excludes the padding to the next tag. */
struct mb2_tag {
	u32 type;
	u32 size;
} __packed;

/* MB2_TAG_CMDLINE, MB2_TAG_BOOT_LOADER_NAME: a NUL-terminated string. */
struct mb2_tag_string {
	struct mb2_tag hdr;
	char string[];
} __packed;

/* MB2_TAG_MODULE: one module2 line; [mod_start, mod_end) physical. */
struct mb2_tag_module {
	struct mb2_tag hdr;
	u32 mod_start;
	u32 mod_end;
	char cmdline[];
} __packed;

/* MB2_TAG_BASIC_MEMINFO: KiB below 640 KiB, KiB above 1 MiB up to the first hole. */
struct mb2_tag_basic_meminfo {
	struct mb2_tag hdr;
	u32 mem_lower;
	u32 mem_upper;
} __packed;

/* MB2_TAG_BOOTDEV: BIOS drive and partitions the image was loaded from. */
struct mb2_tag_bootdev {
	struct mb2_tag hdr;
	u32 biosdev;
	u32 partition;
	u32 sub_partition;
} __packed;

/* One memory map entry; entry_size in the tag may be larger (future fields). */
struct mb2_mmap_entry {
	u64 base_addr; /* physical */
	u64 length;
	u32 type; /* MB2_MEMORY_* */
	u32 reserved;
} __packed;

/* MB2_TAG_MMAP: entries of entry_size bytes each; use mb2_mmap_entry() to index. */
struct mb2_tag_mmap {
	struct mb2_tag hdr;
	u32 entry_size;
	u32 entry_version;
	u8 entries[];
} __packed;

/* MB2_TAG_ACPI_OLD / MB2_TAG_ACPI_NEW: a byte copy of the RSDP (v1 or v2+). */
struct mb2_tag_rsdp {
	struct mb2_tag hdr;
	u8 rsdp[];
} __packed;

/* MB2_TAG_LOAD_BASE_ADDR: where a relocatable image was placed (physical). */
struct mb2_tag_load_base_addr {
	struct mb2_tag hdr;
	u32 load_base_addr;
} __packed;

/* Result of a successful mb2_parse(): pointers into the caller's buffer. */
struct mb2_info {
	const void *base;
	u32 total_size;
	const char *cmdline; /* NULL if absent */
	const char *loader_name; /* NULL if absent */
	const struct mb2_tag_mmap *mmap; /* NULL if absent */
	u32 nr_mmap; /* entries in *mmap */
	u32 nr_modules;
	const void *rsdp; /* NULL if absent; ACPI_NEW preferred */
	u32 rsdp_len; /* bytes at rsdp */
	u32 rsdp_type; /* MB2_TAG_ACPI_NEW, MB2_TAG_ACPI_OLD or 0 */
	bool has_meminfo;
	u32 mem_lower; /* KiB, valid if has_meminfo */
	u32 mem_upper; /* KiB, valid if has_meminfo */
};

/* Why mb2_parse() refused: a fixed string and the byte offset it concerns. */
struct mb2_error {
	const char *reason;
	u32 offset; /* from the start of the info, never beyond total_size */
};

/* One boot module, decoded from its tag. */
struct mb2_module {
	phys_addr_t start;
	phys_addr_t end; /* exclusive */
	const char *cmdline; /* never NULL; may be "" */
};

int mb2_parse(const void *buf, size_t avail, struct mb2_info *info, struct mb2_error *err);
const struct mb2_tag *mb2_find_tag(const struct mb2_info *info, u32 type, u32 nth);
const struct mb2_mmap_entry *mb2_mmap_entry(const struct mb2_info *info, u32 i);
int mb2_module(const struct mb2_info *info, u32 i, struct mb2_module *mod);
const char *mb2_memory_type_name(u32 type);
const char *mb2_tag_name(u32 type);

#endif /* __ASSEMBLY__ */
#endif /* _CARTO_MULTIBOOT2_H */

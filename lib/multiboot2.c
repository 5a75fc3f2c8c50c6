// SPDX-License-Identifier: GPL-2.0
/*
 * Multiboot2 boot information parser.
 *
 * mb2_parse() walks the tags once, checks every structure the kernel relies
 * on, and records pointers into the buffer. It never reads a byte outside
 * [buf, buf + min(total_size, avail)): the first 8 bytes are read only after
 * avail has been checked, and every later read is checked against total_size.
 * Every rejection names a reason and the byte offset it concerns.
 *
 * Policy, where the spec leaves room:
 * - the header's reserved field is ignored, as the spec requires of the OS;
 * - tags of unknown type are skipped; known tags are checked even when their
 *   contents are not used;
 * - a repeated cmdline, loader name, meminfo, mmap or RSDP tag is checked and
 *   then ignored: the first one wins (GRUB emits each once);
 * - ACPI_NEW (RSDP v2+) is preferred over ACPI_OLD whatever their order;
 * - bytes between the end tag and total_size are ignored.
 *
 * Freestanding: no libc, no struct copies or loops the compiler could turn
 * into memset/memcpy calls.
 */
#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/errno.h>
#include <carto/multiboot2.h>

BUILD_BUG_ON(sizeof(struct mb2_info_header) != MB2_INFO_HEADER_SIZE);
BUILD_BUG_ON(sizeof(struct mb2_tag) != MB2_TAG_HEADER_SIZE);
BUILD_BUG_ON(sizeof(struct mb2_tag_module) != 16);
BUILD_BUG_ON(sizeof(struct mb2_tag_basic_meminfo) != 16);
BUILD_BUG_ON(sizeof(struct mb2_tag_bootdev) != 20);
BUILD_BUG_ON(sizeof(struct mb2_tag_mmap) != 16);
BUILD_BUG_ON(sizeof(struct mb2_mmap_entry) != MB2_MMAP_ENTRY_MIN_SIZE);
BUILD_BUG_ON(sizeof(struct mb2_tag_load_base_addr) != 12);

/* State of one mb2_parse() call. */
struct mb2_walk {
	const u8 *base;
	u32 end; /* total_size, already checked against avail */
	struct mb2_info *info;
	struct mb2_error *err;
};

/* How to check one tag type; check may be NULL when only min_size matters. */
struct mb2_tag_rule {
	u32 type;
	u32 min_size;
	const char *name;
	int (*check)(struct mb2_walk *w, u32 off, const struct mb2_tag *tag);
};

/*
 * reject - record why parsing stopped and where.
 * Returns -EINVAL so callers can "return reject(...)".
 */
static int reject(struct mb2_walk *w, u32 off, const char *reason)
{
	if (w->err) {
		w->err->reason = reason;
		w->err->offset = off;
	}
	return -EINVAL;
}

/* has_nul - does s[0..len) contain a NUL? Strings must end inside their tag. */
static bool has_nul(const char *s, u32 len)
{
	u32 i;

	for (i = 0; i < len; i++)
		if (s[i] == '\0')
			return true;
	return false;
}

/*
 * check_string - the cmdline or loader name tag; *slot gets the first one.
 * Returns 0, or -EINVAL if the string is not NUL-terminated within the tag.
 */
static int check_string(struct mb2_walk *w, u32 off, const struct mb2_tag *tag, const char **slot)
{
	const struct mb2_tag_string *t = (const void *)tag;

	if (!has_nul(t->string, tag->size - (u32)sizeof(*t)))
		return reject(w, off + sizeof(*t), "string not NUL-terminated within its tag");
	if (!*slot)
		*slot = t->string;
	return 0;
}

static int check_cmdline(struct mb2_walk *w, u32 off, const struct mb2_tag *tag)
{
	return check_string(w, off, tag, &w->info->cmdline);
}

static int check_loader_name(struct mb2_walk *w, u32 off, const struct mb2_tag *tag)
{
	return check_string(w, off, tag, &w->info->loader_name);
}

/*
 * check_module - a module must not end before it starts and its command
 * line must end inside the tag. Returns 0 or -EINVAL.
 */
static int check_module(struct mb2_walk *w, u32 off, const struct mb2_tag *tag)
{
	const struct mb2_tag_module *t = (const void *)tag;

	if (t->mod_end < t->mod_start)
		return reject(w, off + 12, "module mod_end below mod_start");
	if (!has_nul(t->cmdline, tag->size - (u32)sizeof(*t)))
		return reject(w, off + sizeof(*t), "module cmdline not NUL-terminated");
	w->info->nr_modules++;
	return 0;
}

/* check_meminfo - record the first basic meminfo tag; its size is all to check. */
static int check_meminfo(struct mb2_walk *w, u32 off, const struct mb2_tag *tag)
{
	const struct mb2_tag_basic_meminfo *t = (const void *)tag;

	(void)off;
	if (!w->info->has_meminfo) {
		w->info->has_meminfo = true;
		w->info->mem_lower = t->mem_lower;
		w->info->mem_upper = t->mem_upper;
	}
	return 0;
}

/*
 * check_mmap - entries are at least 24 bytes, a multiple of 8 (so each stays
 * 8-byte aligned), and exactly fill the tag. Returns 0 or -EINVAL.
 */
static int check_mmap(struct mb2_walk *w, u32 off, const struct mb2_tag *tag)
{
	const struct mb2_tag_mmap *t = (const void *)tag;
	u32 bytes = tag->size - (u32)sizeof(*t);

	if (t->entry_size < MB2_MMAP_ENTRY_MIN_SIZE)
		return reject(w, off + 8, "mmap entry_size below 24");
	if (t->entry_size % 8)
		return reject(w, off + 8, "mmap entry_size not a multiple of 8");
	if (bytes % t->entry_size)
		return reject(w, off + 4, "mmap entries do not fill the tag");
	if (!w->info->mmap) {
		w->info->mmap = t;
		w->info->nr_mmap = bytes / t->entry_size;
	}
	return 0;
}

/* check_rsdp - keep the first RSDP copy, letting a v2+ one replace a v1 one. */
static int check_rsdp(struct mb2_walk *w, u32 off, const struct mb2_tag *tag)
{
	const struct mb2_tag_rsdp *t = (const void *)tag;
	struct mb2_info *info = w->info;

	(void)off;
	if (info->rsdp_type == MB2_TAG_ACPI_NEW || info->rsdp_type == tag->type)
		return 0;
	info->rsdp = t->rsdp;
	info->rsdp_len = tag->size - (u32)sizeof(*t);
	info->rsdp_type = tag->type;
	return 0;
}

/* Known tag types; min_size covers the fixed fields of the ones we read. */
static const struct mb2_tag_rule mb2_tag_rules[] = {
	{ MB2_TAG_END, 8, "end", NULL },
	{ MB2_TAG_CMDLINE, 8, "command line", check_cmdline },
	{ MB2_TAG_BOOT_LOADER_NAME, 8, "boot loader name", check_loader_name },
	{ MB2_TAG_MODULE, 16, "module", check_module },
	{ MB2_TAG_BASIC_MEMINFO, 16, "basic memory info", check_meminfo },
	{ MB2_TAG_BOOTDEV, 20, "BIOS boot device", NULL },
	{ MB2_TAG_MMAP, 16, "memory map", check_mmap },
	{ MB2_TAG_VBE, 8, "VBE info", NULL },
	{ MB2_TAG_FRAMEBUFFER, 8, "framebuffer info", NULL },
	{ MB2_TAG_ELF_SECTIONS, 8, "ELF sections", NULL },
	{ MB2_TAG_APM, 8, "APM table", NULL },
	{ MB2_TAG_EFI32, 12, "EFI 32-bit system table", NULL },
	{ MB2_TAG_EFI64, 16, "EFI 64-bit system table", NULL },
	{ MB2_TAG_SMBIOS, 8, "SMBIOS tables", NULL },
	{ MB2_TAG_ACPI_OLD, 8 + MB2_RSDP_V1_SIZE, "ACPI old RSDP", check_rsdp },
	{ MB2_TAG_ACPI_NEW, 8 + MB2_RSDP_V2_SIZE, "ACPI new RSDP", check_rsdp },
	{ MB2_TAG_NETWORK, 8, "network info", NULL },
	{ MB2_TAG_EFI_MMAP, 8, "EFI memory map", NULL },
	{ MB2_TAG_EFI_BS, 8, "EFI boot services not terminated", NULL },
	{ MB2_TAG_EFI32_IH, 12, "EFI 32-bit image handle", NULL },
	{ MB2_TAG_EFI64_IH, 16, "EFI 64-bit image handle", NULL },
	{ MB2_TAG_LOAD_BASE_ADDR, 12, "image load base address", NULL },
	{}
};

/* find_rule - the rule for a tag type, or NULL if the type is unknown. */
static const struct mb2_tag_rule *find_rule(u32 type)
{
	const struct mb2_tag_rule *r;

	for (r = mb2_tag_rules; r->name; r++)
		if (r->type == type)
			return r;
	return NULL;
}

/*
 * check_tag - apply the type's rule to a tag whose header and size are
 * already known to lie inside the info. Returns 0 or -EINVAL.
 */
static int check_tag(struct mb2_walk *w, u32 off, const struct mb2_tag *tag)
{
	const struct mb2_tag_rule *r = find_rule(tag->type);

	if (!r)
		return 0;
	if (tag->size < r->min_size)
		return reject(w, off + 4, "tag too small for its type");
	return r->check ? r->check(w, off, tag) : 0;
}

/* next_tag - offset of the tag after the one at off, 8-byte aligned; may pass total_size. */
static u64 next_tag(u32 off, const struct mb2_tag *tag)
{
	return ((u64)off + tag->size + MB2_TAG_ALIGN - 1) & ~(u64)(MB2_TAG_ALIGN - 1);
}

/*
 * walk_tags - visit the tags from offset 8 to the end tag, bounds-checking
 * each header and size before anything else is read. The next offset is
 * computed in 64 bits so that off + size + 7 cannot wrap. Returns 0 or -EINVAL.
 */
static int walk_tags(struct mb2_walk *w)
{
	const struct mb2_tag *tag;
	u32 off = MB2_INFO_HEADER_SIZE;
	u64 next;
	int ret;

	for (;;) {
		if (w->end - off < sizeof(*tag))
			return reject(w, off, "tag header crosses total_size");
		tag = (const void *)(w->base + off);
		if (tag->size < sizeof(*tag))
			return reject(w, off + 4, "tag size below 8");
		if (tag->size > w->end - off)
			return reject(w, off + 4, "tag runs past total_size");
		if (tag->type == MB2_TAG_END) {
			if (tag->size != sizeof(*tag))
				return reject(w, off + 4, "end tag size is not 8");
			return 0;
		}
		ret = check_tag(w, off, tag);
		if (ret)
			return ret;
		next = next_tag(off, tag);
		if (next >= w->end)
			return reject(w, w->end, "missing end tag");
		off = (u32)next;
	}
}

/* clear_info - zero *info field by field (a struct store may become memset). */
static void clear_info(struct mb2_info *info)
{
	info->base = NULL;
	info->total_size = 0;
	info->cmdline = NULL;
	info->loader_name = NULL;
	info->mmap = NULL;
	info->nr_mmap = 0;
	info->nr_modules = 0;
	info->rsdp = NULL;
	info->rsdp_len = 0;
	info->rsdp_type = 0;
	info->has_meminfo = false;
	info->mem_lower = 0;
	info->mem_upper = 0;
}

/*
 * mb2_parse - validate the boot information at buf and summarise it in *info.
 * @avail: bytes that may be read at buf (a generous bound if unknown).
 * @err: may be NULL; on failure gets a fixed reason string and an offset.
 *
 * Returns 0, or -EINVAL with *info cleared. Nothing past the first
 * min(total_size, avail) bytes of buf is ever read.
 */
int mb2_parse(const void *buf, size_t avail, struct mb2_info *info, struct mb2_error *err)
{
	struct mb2_walk w = { .base = buf, .info = info, .err = err };
	const struct mb2_info_header *hdr = buf;
	int ret;

	clear_info(info);
	if (err) {
		err->reason = NULL;
		err->offset = 0;
	}
	if (!buf)
		return reject(&w, 0, "no buffer");
	if ((uintptr)buf & (MB2_TAG_ALIGN - 1))
		return reject(&w, 0, "info not 8-byte aligned");
	if (avail < sizeof(*hdr))
		return reject(&w, 0, "buffer smaller than the info header");
	if (hdr->total_size < MB2_INFO_MIN_SIZE)
		return reject(&w, 0, "total_size below 16");
	if (hdr->total_size > avail)
		return reject(&w, 0, "total_size beyond the buffer");
	w.end = hdr->total_size;
	ret = walk_tags(&w);
	if (ret) {
		clear_info(info);
		return ret;
	}
	info->base = buf;
	info->total_size = w.end;
	return 0;
}

/*
 * mb2_find_tag - the nth (from 0) tag of a type in a parsed info, for tags
 * the summary does not cover. The walk repeats mb2_parse()'s bounds checks.
 * Returns the tag, or NULL if there are fewer than nth + 1 of that type.
 */
const struct mb2_tag *mb2_find_tag(const struct mb2_info *info, u32 type, u32 nth)
{
	const u8 *base = info->base;
	u64 off = MB2_INFO_HEADER_SIZE;
	const struct mb2_tag *tag;

	if (!base)
		return NULL;
	while (off < info->total_size && info->total_size - off >= sizeof(*tag)) {
		tag = (const void *)(base + off);
		if (tag->type == MB2_TAG_END || tag->size < sizeof(*tag) ||
		    tag->size > info->total_size - off)
			return NULL;
		if (tag->type == type && nth-- == 0)
			return tag;
		off = next_tag((u32)off, tag);
	}
	return NULL;
}

/*
 * mb2_mmap_entry - the ith memory map entry, stepping by the tag's entry_size
 * so that entries from a newer, longer format still index correctly.
 * Returns NULL if there is no map or i is past its last entry.
 */
const struct mb2_mmap_entry *mb2_mmap_entry(const struct mb2_info *info, u32 i)
{
	if (!info->mmap || i >= info->nr_mmap)
		return NULL;
	return (const void *)(info->mmap->entries + (u64)i * info->mmap->entry_size);
}

/*
 * mb2_module - decode the ith module tag (in tag order) into *mod.
 * Returns 0, or -ENOENT if there are not that many modules.
 */
int mb2_module(const struct mb2_info *info, u32 i, struct mb2_module *mod)
{
	const struct mb2_tag_module *t;

	t = (const void *)mb2_find_tag(info, MB2_TAG_MODULE, i);
	if (!t)
		return -ENOENT;
	mod->start = t->mod_start;
	mod->end = t->mod_end;
	mod->cmdline = t->cmdline;
	return 0;
}

static const char *const mb2_memory_type_names[] = {
	[MB2_MEMORY_AVAILABLE] = "available",
	[MB2_MEMORY_RESERVED] = "reserved",
	[MB2_MEMORY_ACPI_RECLAIMABLE] = "ACPI reclaimable",
	[MB2_MEMORY_NVS] = "ACPI NVS",
	[MB2_MEMORY_BADRAM] = "bad",
};

/* mb2_memory_type_name - name of an mmap entry type; unknown types are "reserved". */
const char *mb2_memory_type_name(u32 type)
{
	if (type >= ARRAY_SIZE(mb2_memory_type_names) || !mb2_memory_type_names[type])
		return "reserved";
	return mb2_memory_type_names[type];
}

/* mb2_tag_name - name of a boot information tag type, "unknown" if not in the spec. */
const char *mb2_tag_name(u32 type)
{
	const struct mb2_tag_rule *r = find_rule(type);

	return r ? r->name : "unknown";
}

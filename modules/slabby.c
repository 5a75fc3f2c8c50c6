// SPDX-License-Identifier: GPL-2.0
/*
 * A sample module with its own slab cache: at insmod it creates "slabby" and allocates
 * `count=N` objects (default 16) from it, and kmalloc()s a buffer; at rmmod it frees them
 * all and destroys the cache (slabinfo shows the cache while the module is loaded).
 */
#define pr_fmt(fmt) "slabby: " fmt
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/module.h>

#define SLABBY_MAX 64

struct slabby_obj {
	unsigned long id;
	char tag[40];
};

static char slabby_args[MODULE_ARGS_LEN];
MODULE_ARGS(slabby_args);

static struct kmem_cache *slabby_cache;
static struct slabby_obj *objs[SLABBY_MAX];
static unsigned long nr_objs;
static char *buffer;

static unsigned long slabby_count(void)
{
	static const char key[] = "count=";
	unsigned long n = 16;

	if (str_has_prefix(slabby_args, key) && kstrtoul(slabby_args + sizeof(key) - 1, 0, &n))
		n = 16;
	return min(n, (unsigned long)SLABBY_MAX);
}

static void slabby_free_all(void)
{
	while (nr_objs)
		kmem_cache_free(slabby_cache, objs[--nr_objs]);
	kfree(buffer);
	buffer = NULL;
	kmem_cache_destroy(slabby_cache);
	slabby_cache = NULL;
}

static int slabby_init(void)
{
	unsigned long n = slabby_count();

	slabby_cache = kmem_cache_create("slabby", sizeof(struct slabby_obj), 8, 0, NULL);
	if (!slabby_cache)
		return -ENOMEM;
	buffer = kmalloc(256, GFP_KERNEL);
	if (!buffer)
		goto out_nomem;
	for (nr_objs = 0; nr_objs < n; nr_objs++) {
		objs[nr_objs] = kmem_cache_alloc(slabby_cache, GFP_KERNEL);
		if (!objs[nr_objs])
			goto out_nomem;
		objs[nr_objs]->id = nr_objs;
		strlcpy(objs[nr_objs]->tag, "slabby object", sizeof(objs[nr_objs]->tag));
	}
	pr_info("%lu objects of %lu bytes from cache slabby\n", nr_objs, sizeof(struct slabby_obj));
	return 0;
out_nomem:
	slabby_free_all();
	return -ENOMEM;
}
module_init(slabby_init);

static void slabby_exit(void)
{
	unsigned long n = nr_objs;

	slabby_free_all();
	pr_info("freed %lu objects, cache destroyed\n", n);
}
module_exit(slabby_exit);

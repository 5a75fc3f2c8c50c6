/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An intrusive, augmented AVL tree (carto's own; used where Linux uses an augmented rbtree).
 *
 * The user embeds a struct avl_node, descends from the root itself with its own key to find
 * the link where a new node goes (as with Linux's rb_link_node), then calls avl_insert().
 * Heights differ by at most one between siblings, so the height is at most
 * 1.44 * log2(n + 2): lookups and augmented searches are O(log n).
 *
 * Augmentation: after every structural change the tree calls ops->augment(node) on each
 * node whose subtree changed, children before parents, so a per-subtree summary (e.g. the
 * largest free block below a node) stays exact. avl_propagate() redoes it from a node up
 * after the user changed that node's own key-independent data.
 */
#ifndef _LINUX_AVLTREE_H
#define _LINUX_AVLTREE_H
#include <linux/types.h>

struct avl_node {
	struct avl_node *left, *right, *parent;
	int height; /* of the subtree rooted here: 1 for a leaf */
};

struct avl_root {
	struct avl_node *node;
};

/* Recompute node's summary from its own data and its children's summaries. */
struct avl_ops {
	void (*augment)(struct avl_node *node);
};

#define avl_entry(ptr, type, member) container_of(ptr, type, member)

/* Put node (zeroed links) at *link, a NULL child slot of parent found by a descent, and rebalance. */
void avl_insert(struct avl_node *node, struct avl_node *parent, struct avl_node **link,
		struct avl_root *root, const struct avl_ops *ops);
/* Take node out of the tree and rebalance. */
void avl_erase(struct avl_node *node, struct avl_root *root, const struct avl_ops *ops);
/* Recompute summaries from node up to the root (node's own data changed, not its key order). */
void avl_propagate(struct avl_node *node, const struct avl_ops *ops);
/* In-order neighbours and ends; NULL past either end. */
struct avl_node *avl_first(const struct avl_root *root);
struct avl_node *avl_last(const struct avl_root *root);
struct avl_node *avl_next(const struct avl_node *node);
struct avl_node *avl_prev(const struct avl_node *node);

static inline int avl_height(const struct avl_node *n)
{
	return n ? n->height : 0;
}

#endif /* _LINUX_AVLTREE_H */

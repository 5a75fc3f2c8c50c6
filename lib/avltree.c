// SPDX-License-Identifier: GPL-2.0
/*
 * The augmented AVL tree of include/linux/avltree.h. Every change ends in one walk from the
 * lowest changed node to the root that refreshes heights and summaries and rotates where
 * siblings' heights differ by two: O(log n) per insert or erase.
 */
#include <linux/kernel.h>
#include <linux/avltree.h>

/* Refresh n's height and summary from its children. */
static void avl_fix(struct avl_node *n, const struct avl_ops *ops)
{
	n->height = 1 + max(avl_height(n->left), avl_height(n->right));
	if (ops && ops->augment)
		ops->augment(n);
}

/* Make new take old's place under parent (or at the root). */
static void avl_replace_child(struct avl_node *parent, struct avl_node *old, struct avl_node *new,
			      struct avl_root *root)
{
	if (!parent)
		root->node = new;
	else if (parent->left == old)
		parent->left = new;
	else
		parent->right = new;
}

/* Rotate x's right child up into x's place; returns it. */
static struct avl_node *avl_rotate_left(struct avl_node *x, struct avl_root *root,
					const struct avl_ops *ops)
{
	struct avl_node *y = x->right;

	x->right = y->left;
	if (y->left)
		y->left->parent = x;
	y->parent = x->parent;
	avl_replace_child(x->parent, x, y, root);
	y->left = x;
	x->parent = y;
	avl_fix(x, ops);
	avl_fix(y, ops);
	return y;
}

/* Rotate x's left child up into x's place; returns it. */
static struct avl_node *avl_rotate_right(struct avl_node *x, struct avl_root *root,
					 const struct avl_ops *ops)
{
	struct avl_node *y = x->left;

	x->left = y->right;
	if (y->right)
		y->right->parent = x;
	y->parent = x->parent;
	avl_replace_child(x->parent, x, y, root);
	y->right = x;
	x->parent = y;
	avl_fix(x, ops);
	avl_fix(y, ops);
	return y;
}

/* From n up to the root: refresh, and rotate where the balance is off by two. */
static void avl_rebalance(struct avl_node *n, struct avl_root *root, const struct avl_ops *ops)
{
	while (n) {
		int bf;

		avl_fix(n, ops);
		bf = avl_height(n->left) - avl_height(n->right);
		if (bf > 1) {
			if (avl_height(n->left->left) < avl_height(n->left->right))
				avl_rotate_left(n->left, root, ops);
			n = avl_rotate_right(n, root, ops);
		} else if (bf < -1) {
			if (avl_height(n->right->right) < avl_height(n->right->left))
				avl_rotate_right(n->right, root, ops);
			n = avl_rotate_left(n, root, ops);
		}
		n = n->parent;
	}
}

void avl_insert(struct avl_node *node, struct avl_node *parent, struct avl_node **link,
		struct avl_root *root, const struct avl_ops *ops)
{
	node->left = node->right = NULL;
	node->parent = parent;
	node->height = 1;
	*link = node;
	avl_rebalance(node, root, ops);
}

void avl_erase(struct avl_node *n, struct avl_root *root, const struct avl_ops *ops)
{
	struct avl_node *start;

	if (!n->left || !n->right) {
		struct avl_node *child = n->left ? n->left : n->right;

		if (child)
			child->parent = n->parent;
		avl_replace_child(n->parent, n, child, root);
		start = n->parent;
	} else {
		/* The successor s (no left child) takes n's place. */
		struct avl_node *s = n->right;

		while (s->left)
			s = s->left;
		if (s->parent != n) {
			start = s->parent;
			start->left = s->right;
			if (s->right)
				s->right->parent = start;
			s->right = n->right;
			n->right->parent = s;
		} else {
			start = s;
		}
		s->left = n->left;
		n->left->parent = s;
		s->parent = n->parent;
		avl_replace_child(n->parent, n, s, root);
		s->height = n->height;
	}
	n->left = n->right = n->parent = NULL;
	if (start)
		avl_rebalance(start, root, ops);
}

void avl_propagate(struct avl_node *n, const struct avl_ops *ops)
{
	for (; n; n = n->parent)
		avl_fix(n, ops);
}

struct avl_node *avl_first(const struct avl_root *root)
{
	struct avl_node *n = root->node;

	while (n && n->left)
		n = n->left;
	return n;
}

struct avl_node *avl_last(const struct avl_root *root)
{
	struct avl_node *n = root->node;

	while (n && n->right)
		n = n->right;
	return n;
}

struct avl_node *avl_next(const struct avl_node *n)
{
	if (n->right) {
		n = n->right;
		while (n->left)
			n = n->left;
		return (struct avl_node *)n;
	}
	while (n->parent && n->parent->right == n)
		n = n->parent;
	return n->parent;
}

struct avl_node *avl_prev(const struct avl_node *n)
{
	if (n->left) {
		n = n->left;
		while (n->right)
			n = n->right;
		return (struct avl_node *)n;
	}
	while (n->parent && n->parent->left == n)
		n = n->parent;
	return n->parent;
}

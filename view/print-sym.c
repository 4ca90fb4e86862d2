/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * print-sym.c - __print_symbolic tables of event formats, compiled once.
 *
 * The print format of kvm_exit names exit reasons through two tables chosen
 * by a condition on isa (VMX or SVM); softirq events name their vector.
 * libtraceevent parses those into a tree of print arguments; this file
 * compiles the argument that holds the table of one field into a small
 * array of nodes with field offsets resolved and the tables sorted, so that
 * a record is named with a few reads and a binary search.
 */
#include "view-internal.h"

#include <errno.h>
#include <stdlib.h>
#include <traceevent/event-parse.h>

#include "cleanup.h"

#define MAX_NODES 64

enum node_type { N_CONST, N_FIELD, N_UNARY, N_BINARY, N_COND, N_SYMBOL };

enum node_op {
	OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_MOD, OP_SHL, OP_SHR, OP_AND, OP_OR, OP_XOR,
	OP_LAND, OP_LOR, OP_EQ, OP_NE, OP_LT, OP_GT, OP_LE, OP_GE,
	OP_NOT, OP_BNOT, OP_NEG,
};

static const struct {
	const char *text;
	enum node_op op;
} binary_ops[] = {
	{ "+", OP_ADD },   { "-", OP_SUB },   { "*", OP_MUL },   { "/", OP_DIV },
	{ "%", OP_MOD },   { "<<", OP_SHL },  { ">>", OP_SHR },  { "&", OP_AND },
	{ "|", OP_OR },    { "^", OP_XOR },   { "&&", OP_LAND }, { "||", OP_LOR },
	{ "==", OP_EQ },   { "!=", OP_NE },   { "<", OP_LT },    { ">", OP_GT },
	{ "<=", OP_LE },   { ">=", OP_GE },
};

struct node {
	uint8_t type;
	uint8_t op;
	uint8_t a, b, c; /* children */
	uint64_t value;  /* N_CONST */
	struct xv_ref ref; /* N_FIELD */
	struct sym_table *table; /* N_SYMBOL */
};

struct sym_entry {
	uint64_t value;
	const char *str;
	unsigned order; /* position in the format: the first of equal values wins */
};

struct sym_table {
	struct sym_table *next;
	struct sym_entry *e;
	unsigned n;
};

struct xv_sym {
	struct node nodes[MAX_NODES];
	unsigned n_nodes;
	uint8_t root;
	struct sym_table *tables;
};

static int parse_number(const char *s, uint64_t *ret)
{
	char *end;

	if (!s || !*s)
		return -EOPNOTSUPP;
	errno = 0;
	if (*s == '-')
		*ret = (uint64_t)strtoll(s, &end, 0);
	else
		*ret = strtoull(s, &end, 0);
	if (*end || errno)
		return -EOPNOTSUPP;
	return 0;
}

static int cmp_entry(const void *x, const void *y)
{
	const struct sym_entry *a = x, *b = y;

	if (a->value != b->value)
		return a->value < b->value ? -1 : 1;
	return a->order < b->order ? -1 : a->order > b->order;
}

static int build_table(struct xv_sym *s, const struct tep_print_flag_sym *list,
		       struct sym_table **ret)
{
	const struct tep_print_flag_sym *f;
	struct sym_table *t;
	unsigned n = 0;

	for (f = list; f; f = f->next)
		n++;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->next = s->tables;
	s->tables = t;
	t->e = calloc(n ? n : 1, sizeof(*t->e));
	if (!t->e)
		return -ENOMEM;
	for (f = list; f; f = f->next) {
		/* Values libtraceevent could not reduce to a number (enum names) are left out. */
		if (parse_number(f->value, &t->e[t->n].value) < 0 || !f->str)
			continue;
		t->e[t->n].str = f->str;
		t->e[t->n].order = t->n;
		t->n++;
	}
	qsort(t->e, t->n, sizeof(*t->e), cmp_entry);
	*ret = t;
	return 0;
}

static int compile(struct xv_sym *s, struct tep_event *ev, struct tep_print_arg *a);

static int add_node(struct xv_sym *s, struct node **ret)
{
	if (s->n_nodes == MAX_NODES)
		return -EOPNOTSUPP;
	*ret = &s->nodes[s->n_nodes];
	memset(*ret, 0, sizeof(**ret));
	return (int)s->n_nodes++;
}

static bool is_null_arg(const struct tep_print_arg *a)
{
	return !a || a->type == TEP_PRINT_NULL;
}

static int compile_op(struct xv_sym *s, struct tep_event *ev, struct tep_print_arg *a)
{
	const char *op = a->op.op;
	struct node *n;
	int i, l, r, c;
	size_t k;

	if (strcmp(op, "?") == 0) {
		if (!a->op.right || a->op.right->type != TEP_PRINT_OP ||
		    strcmp(a->op.right->op.op, ":") != 0)
			return -EOPNOTSUPP;
		c = compile(s, ev, a->op.left);
		l = c < 0 ? c : compile(s, ev, a->op.right->op.left);
		r = l < 0 ? l : compile(s, ev, a->op.right->op.right);
		if (r < 0)
			return r;
		i = add_node(s, &n);
		if (i >= 0)
			*n = (struct node){ .type = N_COND, .a = c, .b = l, .c = r };
		return i;
	}
	if (is_null_arg(a->op.left) && (!strcmp(op, "~") || !strcmp(op, "!") || !strcmp(op, "-"))) {
		r = compile(s, ev, a->op.right);
		if (r < 0)
			return r;
		i = add_node(s, &n);
		if (i >= 0)
			*n = (struct node){ .type = N_UNARY, .a = r,
					    .op = op[0] == '~' ? OP_BNOT : op[0] == '!' ? OP_NOT : OP_NEG };
		return i;
	}
	for (k = 0; k < ARRAY_SIZE(binary_ops); k++) {
		if (strcmp(op, binary_ops[k].text) != 0)
			continue;
		l = compile(s, ev, a->op.left);
		r = l < 0 ? l : compile(s, ev, a->op.right);
		if (r < 0)
			return r;
		i = add_node(s, &n);
		if (i >= 0)
			*n = (struct node){ .type = N_BINARY, .op = binary_ops[k].op, .a = l, .b = r };
		return i;
	}
	return -EOPNOTSUPP;
}

static int compile(struct xv_sym *s, struct tep_event *ev, struct tep_print_arg *a)
{
	struct xv_ref ref;
	struct node *n;
	uint64_t v;
	int i, r;

	if (!a)
		return -EOPNOTSUPP;
	switch (a->type) {
	case TEP_PRINT_ATOM:
		r = parse_number(a->atom.atom, &v);
		if (r < 0)
			return r;
		i = add_node(s, &n);
		if (i >= 0)
			*n = (struct node){ .type = N_CONST, .value = v };
		return i;
	case TEP_PRINT_FIELD:
		r = xv_ref_find(ev, a->field.name, &ref);
		if (r < 0)
			return r;
		if (!xv_ref_present(&ref) || (ref.flags & (XV_REF_DYNAMIC | XV_REF_TAIL)))
			return -EOPNOTSUPP;
		i = add_node(s, &n);
		if (i >= 0)
			*n = (struct node){ .type = N_FIELD, .ref = ref };
		return i;
	case TEP_PRINT_TYPE:
		return compile(s, ev, a->typecast.item);
	case TEP_PRINT_OP:
		return compile_op(s, ev, a);
	case TEP_PRINT_SYMBOL: {
		struct sym_table *t;

		r = compile(s, ev, a->symbol.field);
		if (r < 0)
			return r;
		i = build_table(s, a->symbol.symbols, &t);
		if (i < 0)
			return i;
		i = add_node(s, &n);
		if (i >= 0)
			*n = (struct node){ .type = N_SYMBOL, .a = r, .table = t };
		return i;
	}
	default:
		return -EOPNOTSUPP;
	}
}

/* Whether @a maps field @field through a symbol table somewhere below it. */
static bool has_symbol_of(const struct tep_print_arg *a, const char *field, bool in_symbol)
{
	if (!a)
		return false;
	switch (a->type) {
	case TEP_PRINT_FIELD:
		return in_symbol && strcmp(a->field.name, field) == 0;
	case TEP_PRINT_SYMBOL:
		return has_symbol_of(a->symbol.field, field, true);
	case TEP_PRINT_TYPE:
		return has_symbol_of(a->typecast.item, field, in_symbol);
	case TEP_PRINT_OP:
		return has_symbol_of(a->op.left, field, in_symbol) ||
		       has_symbol_of(a->op.right, field, in_symbol);
	default:
		return false;
	}
}

void xv_sym_free(struct xv_sym *s)
{
	if (!s)
		return;
	while (s->tables) {
		struct sym_table *t = s->tables;

		s->tables = t->next;
		free(t->e);
		free(t);
	}
	free(s);
}

DEFINE_POINTER_CLEANUP(struct xv_sym, xv_sym_free)

int xv_sym_compile(struct tep_event *event, const char *field, struct xv_sym **ret)
{
	_cleanup_(xv_sym_freep) struct xv_sym *s = NULL;
	struct tep_print_arg *a;
	int r;

	for (a = event->print_fmt.args; a; a = a->next)
		if (has_symbol_of(a, field, false))
			break;
	if (!a)
		return -ENOENT;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	r = compile(s, event, a);
	if (r < 0)
		return r;
	s->root = (uint8_t)r;
	*ret = TAKE_PTR(s);
	return 0;
}

static bool eval_num(const struct xv_sym *s, unsigned i, const uint8_t *data, uint32_t size,
		     bool swap, uint64_t *ret);

static uint64_t binary(enum node_op op, uint64_t l, uint64_t r)
{
	switch (op) {
	case OP_ADD: return l + r;
	case OP_SUB: return l - r;
	case OP_MUL: return l * r;
	case OP_DIV: return r ? l / r : 0;
	case OP_MOD: return r ? l % r : 0;
	case OP_SHL: return r < 64 ? l << r : 0;
	case OP_SHR: return r < 64 ? l >> r : 0;
	case OP_AND: return l & r;
	case OP_OR: return l | r;
	case OP_XOR: return l ^ r;
	case OP_LAND: return l && r;
	case OP_LOR: return l || r;
	case OP_EQ: return l == r;
	case OP_NE: return l != r;
	case OP_LT: return (int64_t)l < (int64_t)r;
	case OP_GT: return (int64_t)l > (int64_t)r;
	case OP_LE: return (int64_t)l <= (int64_t)r;
	case OP_GE: return (int64_t)l >= (int64_t)r;
	default: return 0;
	}
}

static bool eval_num(const struct xv_sym *s, unsigned i, const uint8_t *data, uint32_t size,
		     bool swap, uint64_t *ret)
{
	const struct node *n = &s->nodes[i];
	uint64_t l, r;

	switch (n->type) {
	case N_CONST:
		*ret = n->value;
		return true;
	case N_FIELD:
		return xv_ref_u64(&n->ref, data, size, swap, ret);
	case N_UNARY:
		if (!eval_num(s, n->a, data, size, swap, &l))
			return false;
		*ret = n->op == OP_BNOT ? ~l : n->op == OP_NOT ? !l : -l;
		return true;
	case N_BINARY:
		if (!eval_num(s, n->a, data, size, swap, &l) ||
		    !eval_num(s, n->b, data, size, swap, &r))
			return false;
		*ret = binary(n->op, l, r);
		return true;
	case N_COND:
		if (!eval_num(s, n->a, data, size, swap, &l))
			return false;
		return eval_num(s, l ? n->b : n->c, data, size, swap, ret);
	case N_SYMBOL:
		return eval_num(s, n->a, data, size, swap, ret);
	}
	return false;
}

static const char *lookup(const struct sym_table *t, uint64_t v)
{
	unsigned lo = 0, hi = t->n;

	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;

		if (t->e[mid].value < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < t->n && t->e[lo].value == v ? t->e[lo].str : NULL;
}

int xv_sym_eval(const struct xv_sym *s, const uint8_t *data, uint32_t size, bool swap,
		const char **ret_str, uint64_t *ret_val)
{
	unsigned i = s->root;
	const char *str;
	uint64_t v;

	/* Walk the conditions down to the table (or the number) they select. */
	while (s->nodes[i].type == N_COND) {
		if (!eval_num(s, s->nodes[i].a, data, size, swap, &v))
			return -EBADMSG;
		i = v ? s->nodes[i].b : s->nodes[i].c;
	}
	if (!eval_num(s, i, data, size, swap, &v))
		return -EBADMSG;
	str = s->nodes[i].type == N_SYMBOL ? lookup(s->nodes[i].table, v) : NULL;
	if (str) {
		*ret_str = str;
		return 1;
	}
	*ret_val = v;
	return 0;
}

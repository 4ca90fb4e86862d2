/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * irq.c - the IRQs of the host: /proc/irq/N affinity, names and counts from
 * /proc/interrupts, managed IRQs from the debugfs flags.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "kvmrt-host.h"
#include "kvmrt-private.h"

/* One numbered line of /proc/interrupts. */
struct irq_line {
	unsigned nr;
	char *name, *chip;
	unsigned long long count;
};

struct irq_lines {
	unsigned nr, cap;
	struct irq_line *v;
};

static void irq_lines_done(struct irq_lines *l)
{
	for (unsigned i = 0; i < l->nr; i++) {
		free(l->v[i].name);
		free(l->v[i].chip);
	}
	free(l->v);
}

static const char *skip_blanks(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

static const char *token_end(const char *p)
{
	while (*p && *p != ' ' && *p != '\t' && *p != '\n')
		p++;
	return p;
}

/* The number of "CPUn" columns in the header line. */
static unsigned header_columns(const char *line, const char *end)
{
	unsigned n = 0;

	for (const char *p = skip_blanks(line); p < end && *p; p = skip_blanks(token_end(p)))
		if (strncmp(p, "CPU", 3) == 0)
			n++;
	return n;
}

/*
 * Whether [p, e) is the type part the kernel prints after the chip name: a
 * hwirq number, "Edge"/"Level", or either followed by "-handler" ("5-edge").
 */
static bool type_token(const char *p, const char *e, const char **ret_word)
{
	size_t n = (size_t)(e - p);
	const char *q = p;

	*ret_word = NULL;
	if (n >= 4 && !strncmp(p, "Edge", 4))
		*ret_word = p, q = p + 4;
	else if (n >= 5 && !strncmp(p, "Level", 5))
		*ret_word = p, q = p + 5;
	else
		while (q < e && isdigit((unsigned char)*q))
			q++;
	if (q == e)
		return q > p;
	if (*q != '-' || q + 1 == e)
		return false;
	*ret_word = q + 1;
	return true;
}

/* Appends "-WORD" (up to the end of the token) to the chip name @chip. */
static int chip_append(char **chip, const char *word)
{
	size_t len = (size_t)(token_end(word) - word);
	char *s;

	if (asprintf(&s, "%s-%.*s", *chip, (int)len, word) < 0)
		return -ENOMEM;
	free(*chip);
	*chip = s;
	return 0;
}

/* Chip name and type ("IO-APIC-edge") at @p; moves @p past them. */
static int parse_chip(const char **pp, char **ret)
{
	const char *p = skip_blanks(*pp), *e = token_end(p), *word;
	char *chip = strndup(p, (size_t)(e - p));
	unsigned parts = 0;
	int r = 0;

	if (!chip)
		return -ENOMEM;
	/* at most hwirq, Edge/Level and -handler: the rest are actions */
	for (p = skip_blanks(e); *p && r == 0 && parts++ < 3; p = skip_blanks(e)) {
		e = token_end(p);
		if (!type_token(p, e, &word))
			break;
		if (word)
			r = chip_append(&chip, word);
	}
	if (r < 0) {
		free(chip);
		return r;
	}
	*pp = p;
	*ret = chip;
	return 0;
}

/* The per-CPU counts at *pp (at most @cols when known), summed with saturation. */
static unsigned long long parse_counts(const char **pp, unsigned cols)
{
	unsigned long long sum = 0;
	const char *p = *pp;

	for (unsigned i = 0; !cols || i < cols; i++) {
		const char *q = skip_blanks(p), *e = token_end(q);
		unsigned long long v;
		char *end;

		if (q == e || !isdigit((unsigned char)*q))
			break;
		errno = 0;
		v = strtoull(q, &end, 10);
		if (end != e)
			break;
		if (errno == ERANGE || sum + v < sum)
			sum = ULLONG_MAX;
		else
			sum += v;
		p = e;
	}
	*pp = p;
	return sum;
}

/* Parses the line [line, end) when it starts with an IRQ number; 0 when it does not. */
static int parse_line(const char *line, const char *end, unsigned cols, struct irq_line *ret)
{
	_cleanup_free_ char *copy = strndup(line, (size_t)(end - line));
	const char *p;
	char *colon, *num_end;
	unsigned long nr;
	size_t len;

	if (!copy)
		return -ENOMEM;
	p = skip_blanks(copy);
	colon = strchr(p, ':');
	if (!colon || !isdigit((unsigned char)*p))
		return 0;
	errno = 0;
	nr = strtoul(p, &num_end, 10);
	if (num_end != colon || errno || nr > UINT_MAX)
		return 0;
	p = colon + 1;
	ret->nr = (unsigned)nr;
	ret->count = parse_counts(&p, cols);
	if (parse_chip(&p, &ret->chip) < 0)
		return -ENOMEM;
	len = strlen(p);
	while (len > 0 && isspace((unsigned char)p[len - 1]))
		len--;
	ret->name = strndup(p, len);
	if (!ret->name) {
		free(ret->chip);
		return -ENOMEM;
	}
	return 1;
}

static int irq_lines_push(struct irq_lines *l, const struct irq_line *line)
{
	struct irq_line *v = kvmrt_array_grow(l->v, l->nr, &l->cap, sizeof(*v), 64);

	if (!v)
		return -ENOMEM;
	l->v = v;
	l->v[l->nr++] = *line;
	return 0;
}

static int compare_lines(const void *a, const void *b)
{
	const struct irq_line *x = a, *y = b;

	return x->nr < y->nr ? -1 : x->nr > y->nr;
}

/* The numbered lines of /proc/interrupts, sorted by number (none when it is missing). */
static int read_interrupts(const struct kvmrt_sysroot *s, struct irq_lines *ret)
{
	_cleanup_free_ char *text = NULL;
	struct irq_lines l = {};
	unsigned cols = 0;
	size_t len;
	int r;

	r = kvmrt_sysroot_read(s, "proc/interrupts", &text, &len);
	if (r == -ENOENT) {
		*ret = l;
		return 0;
	}
	if (r < 0)
		return r;
	for (const char *line = text, *end; line < text + len; line = end + 1) {
		struct irq_line il = {};

		end = memchr(line, '\n', (size_t)(text + len - line));
		if (!end)
			end = text + len;
		/* the "CPU0 CPU1 ..." header, unless the file lacks one */
		if (line == text && (cols = header_columns(line, end)) > 0)
			r = 0;
		else
			r = parse_line(line, end, cols, &il);
		if (r > 0 && irq_lines_push(&l, &il) < 0) {
			free(il.name);
			free(il.chip);
			r = -ENOMEM;
		}
		if (r < 0) {
			irq_lines_done(&l);
			return r;
		}
	}
	if (l.nr)
		qsort(l.v, l.nr, sizeof(*l.v), compare_lines);
	*ret = l;
	return 0;
}

/* Whether the debugfs flags of IRQ @nr say it is managed; -ENOENT when not known. */
static int debugfs_managed(const struct kvmrt_sysroot *s, unsigned nr)
{
	_cleanup_free_ char *text = NULL;
	char path[64];
	size_t len;
	int r;

	snprintf(path, sizeof(path), "/sys/kernel/debug/irq/irqs/%u", nr);
	r = kvmrt_sysroot_read(s, path, &text, &len);
	if (r < 0)
		return r;
	return strstr(text, "AFFINITY_MANAGED") != NULL;
}

static void irq_done(struct kvmrt_irq *irq)
{
	free(irq->name);
	free(irq->chip);
	kvmrt_ids_done(&irq->affinity);
	kvmrt_ids_done(&irq->effective);
}

static int irq_read(const struct kvmrt_sysroot *s, unsigned nr, const struct irq_lines *lines,
		    struct kvmrt_irq *ret, char *why, size_t why_len)
{
	struct irq_line key = { .nr = nr }, *line;
	struct kvmrt_irq irq = { .nr = nr };
	char path[64];
	int r;

	snprintf(path, sizeof(path), "/proc/irq/%u/smp_affinity_list", nr);
	r = kvmrt_sysroot_read_ids(s, path, &irq.affinity, why, why_len);
	if (r < 0)
		return r;
	snprintf(path, sizeof(path), "/proc/irq/%u/effective_affinity_list", nr);
	r = kvmrt_sysroot_read_ids(s, path, &irq.effective, why, why_len);
	if (r == -ENOENT)
		r = kvmrt_ids_init(&irq.effective, 0);
	line = lines->nr ? bsearch(&key, lines->v, lines->nr, sizeof(*lines->v), compare_lines)
			 : NULL;
	if (r == 0) {
		irq.name = strdup(line ? line->name : "");
		irq.chip = strdup(line ? line->chip : "");
		if (!irq.name || !irq.chip)
			r = -ENOMEM;
	}
	if (r < 0) {
		irq_done(&irq);
		return r;
	}
	irq.count = line ? line->count : 0;
	r = debugfs_managed(s, nr);
	irq.managed = r > 0;
	irq.managed_known = r >= 0;
	*ret = irq;
	return 0;
}

void kvmrt_irqs_free(struct kvmrt_irq *irqs, unsigned nr)
{
	if (!irqs)
		return;
	for (unsigned i = 0; i < nr; i++)
		irq_done(&irqs[i]);
	free(irqs);
}

static bool irq_gone(const struct kvmrt_sysroot *s, unsigned nr)
{
	char dir[32];

	snprintf(dir, sizeof(dir), "/proc/irq/%u", nr);
	return !kvmrt_sysroot_exists(s, dir);
}

int kvmrt_irqs_list(const struct kvmrt_sysroot *s, struct kvmrt_irq **ret, char *why,
		    size_t why_len)
{
	struct irq_lines lines;
	struct kvmrt_irq *irqs;
	char **names = NULL;
	unsigned nr = 0;
	int r, n;

	n = kvmrt_sysroot_list(s, "/proc/irq", &names);
	if (n < 0) {
		snprintf(why, why_len, "%s/proc/irq: %s", kvmrt_sysroot_label(s), strerror(-n));
		return n;
	}
	r = read_interrupts(s, &lines);
	if (r < 0) {
		snprintf(why, why_len, "%s/proc/interrupts: %s", kvmrt_sysroot_label(s),
			 strerror(-r));
		kvmrt_strv_free(names);
		return r;
	}
	irqs = calloc((size_t)n + 1, sizeof(*irqs));
	r = irqs ? 0 : -ENOMEM;
	for (int i = 0; i < n && r == 0; i++) {
		int64_t number = kvmrt_name_number(names[i], UINT_MAX);
		unsigned irq = (unsigned)number;

		if (number < 0)
			continue;
		r = irq_read(s, irq, &lines, &irqs[nr], why, why_len);
		if (r == 0)
			nr++;
		else if (r == -ENOENT && irq_gone(s, irq))
			r = 0; /* freed while we read it: not an error */
	}
	irq_lines_done(&lines);
	kvmrt_strv_free(names);
	if (r < 0) {
		kvmrt_irqs_free(irqs, nr);
		return r;
	}
	*ret = irqs;
	return (int)nr;
}

static int managed_refusal(unsigned nr, char *why, size_t why_len)
{
	snprintf(why, why_len,
		 "IRQ %u is managed by the kernel and cannot be moved at run time: keep managed "
		 "IRQs off these CPUs with the boot parameters isolcpus=managed_irq,CPUS and "
		 "irqaffinity=CPUS", nr);
	return -EIO;
}

int kvmrt_irq_set_affinity(const struct kvmrt_sysroot *s, unsigned nr,
			   const struct kvmrt_ids *cpus, char *why, size_t why_len)
{
	_cleanup_free_ char *list = NULL;
	char path[64];
	int r;

	r = kvmrt_cpus_check_online(s, cpus, why, why_len);
	if (r < 0)
		return r;
	/* The kernel refuses with EIO too; a fixture tree learns it from the flags. */
	if (debugfs_managed(s, nr) > 0)
		return managed_refusal(nr, why, why_len);
	r = kvmrt_ids_format(cpus, &list);
	if (r < 0)
		return r;
	snprintf(path, sizeof(path), "/proc/irq/%u/smp_affinity_list", nr);
	r = kvmrt_sysroot_write(s, path, list);
	if (r == -EIO)
		return managed_refusal(nr, why, why_len);
	if (r < 0)
		snprintf(why, why_len, "%s%s: writing %s: %s", kvmrt_sysroot_label(s), path, list,
			 strerror(-r));
	return r;
}

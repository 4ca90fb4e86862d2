/* SPDX-License-Identifier: GPL-2.0-or-later */
/* IRQs: affinity, names from /proc/interrupts, managed IRQs, moving them (on fixture copies). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kvmrt-host.h"
#include "kvmrt-test.h"
#include "test-exec.h"

static const struct kvmrt_irq *find(const struct kvmrt_irq *irqs, int n, unsigned nr)
{
	for (int i = 0; i < n; i++)
		if (irqs[i].nr == nr)
			return &irqs[i];
	fail_msg("IRQ %u not listed", nr);
	return NULL;
}

static void lists_irqs_with_names_chips_and_counts(void **state)
{
	struct kt_tree *f = *state;
	struct kvmrt_irq *irqs;
	const struct kvmrt_irq *q;
	char why[256];
	int n;

	n = kvmrt_irqs_list(&f->root, &irqs, why, sizeof(why));
	assert_int_equal(n, 14);
	for (int i = 1; i < n; i++)
		assert_true(irqs[i - 1].nr < irqs[i].nr);
	q = find(irqs, n, 0);
	assert_string_equal(q->name, "timer");
	assert_string_equal(q->chip, "IO-APIC-edge");
	assert_int_equal(q->count, 44);
	assert_false(q->managed_known);
	q = find(irqs, n, 9);
	assert_string_equal(q->chip, "IO-APIC-fasteoi");
	kt_assert_ids(&q->affinity, "0-3");
	kt_assert_ids(&q->effective, "1");
	q = find(irqs, n, 3); /* no action: in /proc/irq only */
	assert_string_equal(q->name, "");
	assert_string_equal(q->chip, "");
	assert_int_equal(q->count, 0);
	kt_assert_ids(&q->effective, "");
	q = find(irqs, n, 128);
	assert_string_equal(q->name, "enp3s0-rx-0");
	assert_string_equal(q->chip, "IR-PCI-MSI-edge");
	assert_int_equal(q->count, 9018);
	assert_true(q->managed_known);
	assert_false(q->managed);
	q = find(irqs, n, 123);
	assert_true(q->managed_known);
	assert_true(q->managed);
	kt_assert_ids(&q->affinity, "2");
	kvmrt_irqs_free(irqs, (unsigned)n);
}

static void parses_hostile_interrupts_defensively(void **state)
{
	struct kt_tree *f = *state;
	/* truncated lines, huge numbers, missing columns, no header, no final newline */
	static const char text[] =
		"  CPU0 CPU1\n"
		"  5:   1\n"
		"  6: 99999999999999999999999 3 GICv3  27 Level     arch_timer\n"
		"  7: 18446744073709551615 18446744073709551615 PCI-MSI-edge eth0, eth1  \n"
		"99999999999999999999: 1 2 IO-APIC 1-edge fake\n"
		"  8\n"
		"  :\n"
		"\x01\xff: junk\n"
		"  9: 4 5 IO-APIC";
	struct kvmrt_irq *irqs;
	char why[256];
	int n;

	for (unsigned nr = 5; nr <= 9; nr++) {
		char rel[64];

		snprintf(rel, sizeof(rel), "proc/irq/%u/smp_affinity_list", nr);
		kt_tree_put(f, rel, "0-1\n");
	}
	kt_tree_put(f, "proc/interrupts", text);
	n = kvmrt_irqs_list(&f->root, &irqs, why, sizeof(why));
	assert_int_equal(n, 5);
	assert_string_equal(irqs[0].name, "");
	assert_string_equal(irqs[0].chip, "");
	assert_int_equal(irqs[0].count, 1);
	assert_string_equal(irqs[1].name, "arch_timer");
	assert_string_equal(irqs[1].chip, "GICv3-Level");
	assert_int_equal(irqs[1].count, UINT64_MAX);
	assert_string_equal(irqs[2].name, "eth0, eth1");
	assert_string_equal(irqs[2].chip, "PCI-MSI-edge");
	assert_int_equal(irqs[2].count, UINT64_MAX);
	assert_string_equal(irqs[3].name, "");
	assert_string_equal(irqs[4].chip, "IO-APIC");
	assert_int_equal(irqs[4].count, 9);
	kvmrt_irqs_free(irqs, (unsigned)n);

	kt_tree_put(f, "proc/interrupts", "  5: 7 IO-APIC 5-edge   first\n"); /* no header */
	n = kvmrt_irqs_list(&f->root, &irqs, why, sizeof(why));
	assert_int_equal(n, 5);
	assert_string_equal(irqs[0].name, "first");
	assert_int_equal(irqs[0].count, 7);
	kvmrt_irqs_free(irqs, (unsigned)n);

	kt_tree_put(f, "proc/interrupts", ""); /* empty: names unknown, IRQs still listed */
	n = kvmrt_irqs_list(&f->root, &irqs, why, sizeof(why));
	assert_int_equal(n, 5);
	kvmrt_irqs_free(irqs, (unsigned)n);
}

static void refuses_corrupt_affinity_files(void **state)
{
	struct kt_tree *f = *state;
	static const char *bad[] = { "0-3x\n", "3-1\n", "99999999\n", "0,,1\n", "\n\n1\n" };
	struct kvmrt_irq *irqs;
	char why[256];

	kt_tree_put(f, "proc/interrupts", "");
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		kt_tree_put(f, "proc/irq/4/smp_affinity_list", bad[i]);
		assert_int_equal(kvmrt_irqs_list(&f->root, &irqs, why, sizeof(why)), -EINVAL);
		assert_non_null(strstr(why, "/proc/irq/4/smp_affinity_list"));
	}
}

static void moves_unmanaged_irqs_and_refuses_managed_ones(void **state)
{
	struct kt_tree *f = *state;
	struct kvmrt_ids cpus, offline;
	char why[256], *path, *text;

	assert_int_equal(kvmrt_idset_parse("0-1", 64, &cpus, why, sizeof(why)), 0);
	assert_int_equal(kvmrt_irq_set_affinity(&f->root, 128, &cpus, why, sizeof(why)), 0);
	assert_true(asprintf(&path, "%s/proc/irq/128/smp_affinity_list", f->dir) > 0);
	text = kt_read_file(path);
	assert_string_equal(text, "0-1");
	free(text);
	free(path);

	assert_int_equal(kvmrt_irq_set_affinity(&f->root, 123, &cpus, why, sizeof(why)), -EIO);
	assert_non_null(strstr(why, "IRQ 123 is managed"));
	assert_non_null(strstr(why, "irqaffinity="));
	assert_true(asprintf(&path, "%s/proc/irq/123/smp_affinity_list", f->dir) > 0);
	text = kt_read_file(path);
	assert_string_equal(text, "2\n");
	free(text);
	free(path);

	assert_int_equal(kvmrt_idset_parse("7", 64, &offline, why, sizeof(why)), 0);
	assert_int_equal(kvmrt_irq_set_affinity(&f->root, 128, &offline, why, sizeof(why)),
			 -EINVAL);
	assert_non_null(strstr(why, "no online CPU"));
	kvmrt_ids_done(&offline);
	kvmrt_ids_done(&cpus);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		kt_affinity_tree_test(lists_irqs_with_names_chips_and_counts),
		kt_empty_tree_test(parses_hostile_interrupts_defensively),
		kt_empty_tree_test(refuses_corrupt_affinity_files),
		kt_affinity_tree_test(moves_unmanaged_irqs_and_refuses_managed_ones),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gs-cpuid.c - is this a KVM guest, and which instruction makes a hypercall
 * here. The hypervisor bit (CPUID 1, ecx bit 31) and the "KVMKVMKVM"
 * signature at a hypervisor leaf (0x40000000, or a multiple of 0x100 above
 * it when KVM also emulates another hypervisor's interface) say KVM; the
 * vendor string picks vmcall (VMX) or vmmcall (SVM): the other one faults.
 */
#include <cpuid.h>
#include <errno.h>
#include <string.h>

#include "gs-internal.h"

#define CPUID_HV_BIT (1u << 31)
#define HV_LEAF_FIRST 0x40000000u
#define HV_LEAF_LAST 0x40010000u
#define HV_LEAF_STEP 0x100u

void gs_cpuid(uint32_t leaf, uint32_t regs[4])
{
	__cpuid(leaf, regs[0], regs[1], regs[2], regs[3]);
}

/* noinline: the register use is the ABI, whatever the caller's optimisation. */
__attribute__((noinline)) long gs_vmcall(unsigned long nr, unsigned long a0, unsigned long a1,
					 unsigned long a2, unsigned long a3)
{
	long ret;

	__asm__ volatile("vmcall"
			 : "=a"(ret)
			 : "a"(nr), "b"(a0), "c"(a1), "d"(a2), "S"(a3)
			 : "memory");
	return ret;
}

__attribute__((noinline)) long gs_vmmcall(unsigned long nr, unsigned long a0, unsigned long a1,
					  unsigned long a2, unsigned long a3)
{
	long ret;

	__asm__ volatile("vmmcall"
			 : "=a"(ret)
			 : "a"(nr), "b"(a0), "c"(a1), "d"(a2), "S"(a3)
			 : "memory");
	return ret;
}

static bool is_kvm_leaf(void (*cpuid)(uint32_t, uint32_t[4]), uint32_t leaf)
{
	uint32_t r[4] = {0};
	char sig[13];

	cpuid(leaf, r);
	memcpy(sig, &r[1], 4);
	memcpy(sig + 4, &r[2], 4);
	memcpy(sig + 8, &r[3], 4);
	sig[12] = '\0';
	return !memcmp(sig, "KVMKVMKVM\0\0\0", 12);
}

static gs_hypercall_fn vendor_instruction(void (*cpuid)(uint32_t, uint32_t[4]))
{
	uint32_t r[4] = {0};
	char vendor[12];

	cpuid(0, r);
	memcpy(vendor, &r[1], 4); /* ebx, edx, ecx */
	memcpy(vendor + 4, &r[3], 4);
	memcpy(vendor + 8, &r[2], 4);
	if (!memcmp(vendor, "AuthenticAMD", 12) || !memcmp(vendor, "HygonGenuine", 12))
		return gs_vmmcall;
	if (!memcmp(vendor, "GenuineIntel", 12) || !memcmp(vendor, "CentaurHauls", 12) ||
	    !memcmp(vendor, "  Shanghai  ", 12))
		return gs_vmcall;
	return NULL; /* an unknown vendor: do not guess an instruction that may fault */
}

int gs_detect_kvm(void (*cpuid)(uint32_t leaf, uint32_t regs[4]), gs_hypercall_fn *ret_fn)
{
	uint32_t r[4] = {0};
	gs_hypercall_fn fn;
	bool kvm = false;

	cpuid(1, r);
	if (!(r[2] & CPUID_HV_BIT))
		return -ENODEV;
	for (uint32_t leaf = HV_LEAF_FIRST; leaf < HV_LEAF_LAST && !kvm; leaf += HV_LEAF_STEP)
		kvm = is_kvm_leaf(cpuid, leaf);
	if (!kvm)
		return -ENODEV;
	fn = vendor_instruction(cpuid);
	if (!fn)
		return -ENODEV;
	*ret_fn = fn;
	return 0;
}

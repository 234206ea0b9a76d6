/* hypercall.h - the guest's side of the hypercalls: include it and call HC_*().
 */
#ifndef HYPERCALL_H
#define HYPERCALL_H

/*
 * Header-only and freestanding (stdint.h only): builds with gcc -m16, -m32
 * and -m64 -ffreestanding, so one C guest runs in real, protected, paged
 * and long mode. Each call is exactly one VM exit (see hypercall_abi.h).
 */

#include <stdint.h>

#include "hypercall_abi.h"

static inline void hc_outb(uint16_t port, uint8_t val)
{
	__asm__ volatile("outb %0, %1" : : "a"(val), "Nd"(port) : "memory");
}

static inline void hc_outl(uint16_t port, uint32_t val)
{
	__asm__ volatile("outl %0, %1" : : "a"(val), "Nd"(port) : "memory");
}

static inline uint32_t hc_inl(uint16_t port)
{
	uint32_t val;

	__asm__ volatile("inl %1, %0" : "=a"(val) : "Nd"(port) : "memory");
	return val;
}

/* A pointer as the ABI passes it: its 32-bit guest virtual address. A
 * 64-bit guest's pointer above 4 GiB becomes HC_PTR_ABOVE_4G, which the
 * VMM refuses with a diagnostic rather than reading the wrong bytes. */
static inline uint32_t hc_ptr(const volatile void *p)
{
	uintptr_t addr = (uintptr_t)p;

	return addr >= HC_PTR_ABOVE_4G ? HC_PTR_ABOVE_4G : (uint32_t)addr;
}

/* Prints one byte on the debug console port 0xE9. */
static inline void HC_print8bit(uint8_t val)
{
	hc_outb(HC_PORT_PRINT8, val);
}

/* Prints val in decimal followed by exactly one newline. */
static inline void HC_print32bit(uint32_t val)
{
	hc_outl(HC_PORT_PRINT32, val);
}

/* Prints val in decimal followed by exactly one newline. */
static inline void HC_print64bit(uint64_t val)
{
	volatile struct hc_u64 arg = {val};

	hc_outl(HC_PORT_PRINT64, hc_ptr(&arg));
}

/* Exits of this VM to the VMM since it started, this call's own included. */
static inline uint32_t HC_numExits(void)
{
	return hc_inl(HC_PORT_NUM_EXITS);
}

/* Prints the NUL-terminated string at str exactly, in one exit. */
static inline void HC_printStr(char *str)
{
	hc_outl(HC_PORT_PRINT_STR, hc_ptr(str));
}

/* A string "IO in: x\nIO out: y\n" in guest memory (see HC_BYTYPE_SLOTS). */
static inline char *HC_numExitsByType(void)
{
	return (char *)(uintptr_t)hc_inl(HC_PORT_EXITS_BY_TYPE);
}

/* The host address behind gva; 0 (and "Invalid GVA" printed) when none. */
static inline uint64_t HC_gvaToHva64(uint64_t gva)
{
	volatile struct hc_gva_to_hva arg = {gva, 0};

	hc_outl(HC_PORT_GVA_TO_HVA, hc_ptr(&arg));
	return arg.hva;
}

/* The original 32-bit signature: the host address cut to its low 32 bits. */
static inline uint32_t HC_gvaToHva(uint32_t gva)
{
	return (uint32_t)HC_gvaToHva64(gva);
}

/* Ends the guest; code becomes the VMM's exit status (keep it below 64). */
static inline void HC_exit(uint32_t code)
{
	hc_outl(HC_PORT_EXIT, code);
	for (;;)
		__asm__ volatile("hlt");
}

/* The ABI version the VMM speaks (HC_ABI_VERSION when they match). */
static inline uint32_t HC_abiVersion(void)
{
	return hc_inl(HC_PORT_ABI_VERSION);
}

#endif

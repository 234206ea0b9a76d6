/* pvh.h - entering a vmlinux ELF directly, by its PVH note: the segments at
 * their physical addresses and a struct hvm_start_info in guest RAM
 * (Xen's include/public/arch-x86/hvm/start_info.h, which Linux reads in
 * arch/x86/platform/pvh/enlighten.c). */
#ifndef PVH_H
#define PVH_H

#include <stddef.h>
#include <stdint.h>

#include "errbuf.h"
#include "guest_mem.h"

/* The ELF note (owner "Xen") whose value is the 32-bit entry point. */
#define PVH_NOTE_PHYS32_ENTRY 18

#define PVH_START_MAGIC	  0x336ec578u
#define PVH_START_INFO	  0x7000ULL   /* struct hvm_start_info, 56 bytes */
#define PVH_MODLIST	  0x7040ULL   /* one hvm_modlist_entry: the initrd */
#define PVH_MEMMAP	  0x7080ULL   /* hvm_memmap_table_entry[] */
#define PVH_CMDLINE_ADDR  0x20000ULL  /* as the bzImage path's */
#define PVH_CMDLINE_MAX	  0x10000ULL  /* room there, with the NUL */
#define PVH_KERNEL_LOWEST 0x100000ULL /* no segment below 1 MiB */
/* x86's COMMAND_LINE_SIZE less its NUL, for a vmlinux, which has no
 * setup header to say cmdline_size */
#define PVH_CMDLINE_DEFAULT 2047

/* The largest vmlinux simple-kvm reads (a kernel with debug symbols is
 * several hundred MiB; its segments must fit in --mem anyway). */
#define PVH_MAX_FILE (1ULL << 30)

/* What the ELF file says, checked against the file's size. */
struct pvh_kernel {
	uint32_t entry;	 /* XEN_ELFNOTE_PHYS32_ENTRY */
	uint64_t start;	 /* lowest p_paddr of a PT_LOAD */
	uint64_t vstart; /* that segment's p_vaddr: where start is linked */
	uint64_t end;	 /* highest p_paddr + p_memsz */
	unsigned nload;	 /* PT_LOAD segments */
	int has_note;	 /* 0: an ELF kernel without the PVH note */
};

/* True when data starts with the ELF magic (then pvh_parse says more). */
int pvh_is_elf(const uint8_t *data, size_t size);

/*
 * Parses a vmlinux: a little-endian ELF64 x86-64 executable whose program
 * headers, PT_LOAD segments (p_filesz <= p_memsz, p_paddr + p_memsz not
 * wrapping, none below PVH_KERNEL_LOWEST) and PT_NOTE segments lie inside
 * the file. Looks for the PVH note (4- or 8-byte value below 4 GiB, inside
 * a PT_LOAD). Returns 0 with *k filled (has_note 0 when the note is
 * missing), or -ENOEXEC with one line in err.
 */
int pvh_parse(const uint8_t *elf, size_t size, struct pvh_kernel *k,
	      struct errbuf *err);

/* What the guest gets besides the kernel. */
struct pvh_boot_args {
	const char *cmdline;   /* NUL-terminated; may be "" */
	uint32_t cmdline_max;  /* longest the kernel takes, without the NUL */
	const uint8_t *initrd; /* NULL: none */
	size_t initrd_size;
	uint64_t rsdp_paddr; /* the ACPI RSDP; 0: none */
};

/* Where pvh_load put things, for messages. */
struct pvh_layout {
	uint64_t kernel_start, kernel_end;
	uint64_t kernel_vstart; /* kernel_start's link-time virtual address */
	uint64_t initrd_addr;	/* 0 without an initrd */
	uint64_t initrd_size;
	unsigned memmap_entries;
};

/*
 * Copies each PT_LOAD of elf (parsed by pvh_parse into k) to its p_paddr
 * and zeroes its tail up to p_memsz; writes the command line, the initrd
 * (page-aligned, as high as RAM and 4 GiB allow, above the kernel) and at
 * PVH_START_INFO a version-1 hvm_start_info with one module (the initrd),
 * the e820 map as its memmap, args->rsdp_paddr as rsdp_paddr. Refuses (-ENOMEM
 * / -E2BIG / -ENOEXEC, one line) a kernel without the note or outside RAM, a
 * command line longer than cmdline_max (or PVH_CMDLINE_MAX - 1), an initrd that
 * does not fit. Writes only inside mem.
 */
int pvh_load(const struct guest_mem *mem, const uint8_t *elf, size_t size,
	     const struct pvh_kernel *k, const struct pvh_boot_args *args,
	     struct pvh_layout *out, struct errbuf *err);

#endif

/* bzimage.h - the x86 Linux boot protocol: checking a bzImage and laying
 * out the kernel, its zero page, command line and initrd in guest RAM. */
#ifndef BZIMAGE_H
#define BZIMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "errbuf.h"
#include "guest_mem.h"

/*
 * Where things go in guest physical memory (Documentation/arch/x86/boot.rst
 * leaves these to the boot loader; below 1 MiB they sit in what the e820
 * map calls usable low RAM, which the kernel reserves for itself early).
 */
#define BZ_GDT_ADDR	0x1000ULL   /* __BOOT_CS 0x10, __BOOT_DS 0x18 */
#define BZ_ZERO_PAGE	0x7000ULL   /* struct boot_params, 4 KiB */
#define BZ_CMDLINE_ADDR 0x20000ULL  /* up to cmdline_size + 1 bytes */
#define BZ_CMDLINE_MAX	0x10000ULL  /* room at BZ_CMDLINE_ADDR */
#define BZ_LOW_RAM_END	0x9f000ULL  /* usable RAM below the EBDA hole */
#define BZ_KERNEL_ADDR	0x100000ULL /* code32_start: protected-mode code */

/* The fields of the setup header this loader reads (offsets in the
 * file, as boot.rst lists them). */
struct bz_header {
	uint8_t setup_sects;	  /* 512-byte sectors of real-mode setup */
	uint16_t version;	  /* boot protocol, e.g. 0x020f */
	uint8_t loadflags;	  /* LOADED_HIGH must be set: a bzImage */
	uint32_t initrd_addr_max; /* highest address an initrd byte may use */
	uint8_t relocatable;
	uint32_t kernel_alignment;
	uint32_t cmdline_size; /* longest command line, without its NUL */
	uint64_t pref_address; /* where a relocatable kernel runs */
	uint32_t init_size;    /* bytes the kernel needs from where it runs */
	uint64_t setup_size;   /* bytes of the file before the kernel */
	uint64_t kernel_size;  /* bytes of protected-mode code */
};

/*
 * Parses and checks the setup header of a bzImage of size bytes: the
 * 0xAA55 boot flag, the "HdrS" magic, protocol 2.06 or later (the first
 * with cmdline_size), LOADED_HIGH, a setup and kernel that lie inside the
 * file. Returns 0 with *hdr filled, or -ENOEXEC with one line in err.
 */
int bz_parse(const uint8_t *image, size_t size, struct bz_header *hdr,
	     struct errbuf *err);

/* What the guest gets besides the kernel. */
struct bz_boot_args {
	const char *cmdline;   /* NUL-terminated; may be "" */
	const uint8_t *initrd; /* NULL: none */
	size_t initrd_size;
	uint64_t acpi_rsdp; /* boot_params.acpi_rsdp_addr; 0: none */
};

/* Where bz_load put things, for messages. */
struct bz_layout {
	uint64_t kernel_end;  /* end of the RAM the kernel needs */
	uint64_t initrd_addr; /* 0 without an initrd */
	uint64_t initrd_size;
};

/*
 * Lays the kernel out in mem as a 32-bit boot protocol loader does: the
 * protected-mode code at BZ_KERNEL_ADDR, a zero page at BZ_ZERO_PAGE with
 * the setup header copied in, an e820 map of RAM, the RSDP's address
 * (args->acpi_rsdp, in acpi_rsdp_addr at 0x070), the command line, and
 * the initrd as high as initrd_addr_max and RAM allow, above the kernel.
 * Refuses (-E2BIG / -ENOMEM / -ENOEXEC, one line in err) a command line
 * longer than cmdline_size, RAM too small for the kernel's init_size, and
 * an initrd that does not fit. Writes only inside mem.
 */
int bz_load(const struct guest_mem *mem, const uint8_t *image, size_t size,
	    const struct bz_header *hdr, const struct bz_boot_args *args,
	    struct bz_layout *out, struct errbuf *err);

/* One e820 entry (type 1 RAM, 2 reserved). */
struct bz_e820 {
	uint64_t addr, size;
	uint32_t type;
};
#define BZ_E820_MAX   8
#define E820_RAM      1
#define E820_RESERVED 2

/*
 * The PC's memory map for ram_size bytes of RAM from 0 (at most 3 GiB,
 * below the PCI hole): the hypercall area, the legacy hole and the PCI
 * hole reserved. Writes it to map (room for BZ_E820_MAX entries; NULL:
 * only count) and returns the number of entries. The PVH boot passes the
 * same map.
 */
size_t bz_e820_map(uint64_t ram_size, struct bz_e820 *map);

/* Where the compressed kernel lies inside the file. */
struct bz_payload {
	uint64_t offset;	    /* from the start of the file */
	uint64_t length;	    /* bytes, the size trailer included */
	uint32_t decompressed_size; /* the trailer: the last 4 bytes */
};

/*
 * Locates the payload (the compressed vmlinux) of a bzImage parsed by
 * bz_parse: payload_offset (0x248, from the protected-mode code) and
 * payload_length (0x24c), protocol 2.08 or later, inside the file, longer
 * than its 4-byte size trailer. Says nothing of the format. Returns 0,
 * or -ENOEXEC with one line in err.
 */
int bz_payload(const uint8_t *image, size_t size, const struct bz_header *hdr,
	       struct bz_payload *out, struct errbuf *err);

#endif

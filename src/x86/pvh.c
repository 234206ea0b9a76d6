/* pvh.c - the vmlinux ELF checked, loaded at p_paddr, and entered by its
 * PVH note with a struct hvm_start_info, as QEMU, Firecracker and crosvm
 * boot an uncompressed kernel. */
#include "pvh.h"

#include <elf.h>
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "bzimage.h"

#define PVH_MAX_PHNUM 64
#define PAGE_MASK_4K  0xfffULL
#define FOUR_GIB      (1ULL << 32)

/* start_info.h's structures, version 1, as the guest reads them. */
struct hvm_start_info {
	uint32_t magic;
	uint32_t version;
	uint32_t flags;
	uint32_t nr_modules;
	uint64_t modlist_paddr;
	uint64_t cmdline_paddr;
	uint64_t rsdp_paddr;
	uint64_t memmap_paddr; /* version 1 from here */
	uint32_t memmap_entries;
	uint32_t reserved;
};

struct hvm_modlist_entry {
	uint64_t paddr;
	uint64_t size;
	uint64_t cmdline_paddr;
	uint64_t reserved;
};

struct hvm_memmap_table_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type; /* e820's: 1 RAM, 2 reserved */
	uint32_t reserved;
};

_Static_assert(sizeof(struct hvm_start_info) == 56, "start_info.h layout");
_Static_assert(sizeof(struct hvm_modlist_entry) == 32, "start_info.h layout");
_Static_assert(sizeof(struct hvm_memmap_table_entry) == 24,
	       "start_info.h layout");
_Static_assert(PVH_START_INFO + sizeof(struct hvm_start_info) <= PVH_MODLIST &&
		       PVH_MODLIST + sizeof(struct hvm_modlist_entry) <=
			       PVH_MEMMAP &&
		       PVH_MEMMAP + BZ_E820_MAX * 24 <= 0x8000,
	       "the start info's page");

int pvh_is_elf(const uint8_t *data, size_t size)
{
	return size >= SELFMAG && !memcmp(data, ELFMAG, SELFMAG);
}

/* [off, off + len) lies inside a file of size bytes (overflow-safe). */
static int in_file(uint64_t off, uint64_t len, size_t size)
{
	return off <= size && len <= size - off;
}

static void read_phdr(const uint8_t *elf, const Elf64_Ehdr *eh, unsigned i,
		      Elf64_Phdr *ph)
{
	memcpy(ph, elf + eh->e_phoff + (uint64_t)i * sizeof(*ph), sizeof(*ph));
}

static int check_header(const uint8_t *elf, size_t size, Elf64_Ehdr *eh,
			struct errbuf *err)
{
	if (!pvh_is_elf(elf, size) || size < sizeof(*eh))
		return err_fail(err, ENOEXEC, "not an ELF file");
	memcpy(eh, elf, sizeof(*eh));
	if (eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_ident[EI_DATA] != ELFDATA2LSB || eh->e_machine != EM_X86_64 ||
	    eh->e_type != ET_EXEC)
		return err_fail(err, ENOEXEC,
				"not an x86-64 ELF64 executable (a vmlinux)");
	if (eh->e_phentsize != sizeof(Elf64_Phdr) || !eh->e_phnum ||
	    eh->e_phnum > PVH_MAX_PHNUM ||
	    !in_file(eh->e_phoff, (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr),
		     size))
		return err_fail(err, ENOEXEC,
				"program headers (%u at 0x%" PRIx64
				") are not inside the file",
				eh->e_phnum, (uint64_t)eh->e_phoff);
	return 0;
}

static int check_load(const Elf64_Phdr *ph, unsigned i, size_t size,
		      struct pvh_kernel *k, struct errbuf *err)
{
	uint64_t end;

	if (!in_file(ph->p_offset, ph->p_filesz, size) ||
	    ph->p_filesz > ph->p_memsz ||
	    __builtin_add_overflow(ph->p_paddr, ph->p_memsz, &end) ||
	    ph->p_paddr < PVH_KERNEL_LOWEST)
		return err_fail(err, ENOEXEC,
				"segment %u (0x%" PRIx64 " bytes at physical "
				"0x%" PRIx64 ") is malformed or below 1 MiB",
				i, (uint64_t)ph->p_memsz,
				(uint64_t)ph->p_paddr);
	if (!k->nload || ph->p_paddr < k->start) {
		k->start = ph->p_paddr;
		k->vstart = ph->p_vaddr;
	}
	if (end > k->end)
		k->end = end;
	k->nload++;
	return 0;
}

/* One note's fields at p, 4-byte aligned as ELF notes are; 0 when it
 * fits in the len bytes left, with *next its size. */
static int read_note(const uint8_t *p, uint64_t len, Elf64_Nhdr *nh,
		     uint64_t *next)
{
	uint64_t name, desc;

	if (len < sizeof(*nh))
		return -1;
	memcpy(nh, p, sizeof(*nh));
	name = ((uint64_t)nh->n_namesz + 3) & ~3ULL;
	desc = ((uint64_t)nh->n_descsz + 3) & ~3ULL;
	*next = sizeof(*nh) + name + desc;
	return *next > len ? -1 : 0;
}

/* The PVH entry among the notes of one PT_NOTE segment. */
static int find_note(const uint8_t *p, uint64_t len, struct pvh_kernel *k,
		     struct errbuf *err)
{
	Elf64_Nhdr nh;
	uint64_t next, val = 0;

	for (; len; p += next, len -= next) {
		if (read_note(p, len, &nh, &next))
			return err_fail(err, ENOEXEC,
					"a note runs past its PT_NOTE segment");
		if (nh.n_type != PVH_NOTE_PHYS32_ENTRY || nh.n_namesz != 4 ||
		    memcmp(p + sizeof(nh), "Xen", 4))
			continue;
		if (nh.n_descsz != 4 && nh.n_descsz != 8)
			return err_fail(err, ENOEXEC,
					"the PVH note has %u bytes, not 4 or 8",
					nh.n_descsz);
		memcpy(&val, p + sizeof(nh) + 4, nh.n_descsz);
		if (val >= FOUR_GIB)
			return err_fail(err, ENOEXEC,
					"the PVH entry 0x%" PRIx64
					" is not a 32-bit address",
					val);
		k->entry = (uint32_t)val;
		k->has_note = 1;
	}
	return 0;
}

/* The entry must be code the loader writes. */
static int entry_loaded(const uint8_t *elf, const Elf64_Ehdr *eh,
			uint32_t entry)
{
	Elf64_Phdr ph;

	for (unsigned i = 0; i < eh->e_phnum; i++) {
		read_phdr(elf, eh, i, &ph);
		if (ph.p_type == PT_LOAD && entry >= ph.p_paddr &&
		    entry - ph.p_paddr < ph.p_filesz)
			return 1;
	}
	return 0;
}

int pvh_parse(const uint8_t *elf, size_t size, struct pvh_kernel *k,
	      struct errbuf *err)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	int ret;

	memset(k, 0, sizeof(*k));
	ret = check_header(elf, size, &eh, err);
	for (unsigned i = 0; !ret && i < eh.e_phnum; i++) {
		read_phdr(elf, &eh, i, &ph);
		if (ph.p_type == PT_LOAD)
			ret = check_load(&ph, i, size, k, err);
		else if (ph.p_type == PT_NOTE &&
			 !in_file(ph.p_offset, ph.p_filesz, size))
			ret = err_fail(err, ENOEXEC,
				       "PT_NOTE %u is not inside the file", i);
		else if (ph.p_type == PT_NOTE)
			ret = find_note(elf + ph.p_offset, ph.p_filesz, k, err);
	}
	if (ret)
		return ret;
	if (!k->nload)
		return err_fail(err, ENOEXEC, "no PT_LOAD segment");
	if (k->has_note && !entry_loaded(elf, &eh, k->entry))
		return err_fail(err, ENOEXEC,
				"the PVH entry 0x%" PRIx32
				" is in no segment's file bytes",
				k->entry);
	return 0;
}

/* Each PT_LOAD at p_paddr, its bss zeroed: every byte through gmem_*. */
static int load_segments(const struct guest_mem *mem, const uint8_t *elf,
			 struct errbuf *err)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	uint8_t *bss;

	memcpy(&eh, elf, sizeof(eh));
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		read_phdr(elf, &eh, i, &ph);
		if (ph.p_type != PT_LOAD)
			continue;
		bss = gmem_ptr(mem, ph.p_paddr + ph.p_filesz,
			       ph.p_memsz - ph.p_filesz);
		if (!bss ||
		    gmem_write(mem, ph.p_paddr, elf + ph.p_offset, ph.p_filesz))
			return err_fail(err, ENOMEM,
					"segment %u does not fit in RAM", i);
		memset(bss, 0, ph.p_memsz - ph.p_filesz);
	}
	return 0;
}

/* The initrd as high as RAM and 4 GiB allow (Linux takes the module's
 * address as a 32-bit ramdisk_image), never into the kernel. */
static int place_initrd(const struct guest_mem *mem,
			const struct pvh_boot_args *args,
			struct pvh_layout *out, struct errbuf *err)
{
	uint64_t top = mem->size < FOUR_GIB ? mem->size : FOUR_GIB;

	if (args->initrd_size > top ||
	    ((top - args->initrd_size) & ~PAGE_MASK_4K) < out->kernel_end)
		return err_fail(err, ENOMEM,
				"initrd of %zu bytes does not fit between the "
				"kernel (up to 0x%" PRIx64 ") and 0x%" PRIx64
				"; give more --mem",
				args->initrd_size, out->kernel_end, top);
	out->initrd_addr = (top - args->initrd_size) & ~PAGE_MASK_4K;
	out->initrd_size = args->initrd_size;
	return gmem_write(mem, out->initrd_addr, args->initrd,
			  args->initrd_size);
}

/* The start info, its module and its memory map. */
static int write_start_info(const struct guest_mem *mem,
			    const struct pvh_layout *lay, uint64_t rsdp,
			    struct errbuf *err)
{
	struct hvm_start_info si = {
		.magic = PVH_START_MAGIC,
		.version = 1,
		.cmdline_paddr = PVH_CMDLINE_ADDR,
		.rsdp_paddr = rsdp,
		.memmap_paddr = PVH_MEMMAP,
	};
	struct hvm_modlist_entry mod = {
		.paddr = lay->initrd_addr,
		.size = lay->initrd_size,
	};
	struct bz_e820 map[BZ_E820_MAX];
	size_t n = bz_e820_map(mem->size, map);
	int ret = 0;

	si.memmap_entries = (uint32_t)n;
	if (lay->initrd_size) {
		si.nr_modules = 1;
		si.modlist_paddr = PVH_MODLIST;
		ret = gmem_write(mem, PVH_MODLIST, &mod, sizeof(mod));
	}
	for (size_t i = 0; !ret && i < n; i++) {
		struct hvm_memmap_table_entry e = {map[i].addr, map[i].size,
						   map[i].type, 0};

		ret = gmem_write(mem, PVH_MEMMAP + i * sizeof(e), &e,
				 sizeof(e));
	}
	if (!ret)
		ret = gmem_write(mem, PVH_START_INFO, &si, sizeof(si));
	return ret ? err_fail(err, ENOMEM, "RAM too small for the start info")
		   : 0;
}

int pvh_load(const struct guest_mem *mem, const uint8_t *elf, size_t size,
	     const struct pvh_kernel *k, const struct pvh_boot_args *args,
	     struct pvh_layout *out, struct errbuf *err)
{
	size_t cmdlen = strlen(args->cmdline);
	int ret;

	memset(out, 0, sizeof(*out));
	out->kernel_start = k->start;
	out->kernel_end = k->end;
	out->kernel_vstart = k->vstart;
	if (!k->has_note)
		return err_fail(err, ENOEXEC,
				"no PVH note (XEN_ELFNOTE_PHYS32_ENTRY): a "
				"kernel built without CONFIG_PVH");
	if (size < sizeof(Elf64_Ehdr) || !k->nload)
		return err_fail(err, EINVAL, "kernel parsed from another file");
	if (cmdlen > args->cmdline_max || cmdlen >= PVH_CMDLINE_MAX)
		return err_fail(err, E2BIG,
				"command line of %zu bytes is longer than the "
				"kernel's limit of %" PRIu32 " (cmdline_size)",
				cmdlen,
				args->cmdline_max < PVH_CMDLINE_MAX - 1
					? args->cmdline_max
					: (uint32_t)PVH_CMDLINE_MAX - 1);
	if (k->end > mem->size)
		return err_fail(
			err, ENOMEM,
			"the kernel needs RAM up to 0x%" PRIx64 " (%" PRIu64
			" MiB), --mem gives %" PRIu64 " MiB",
			k->end, (k->end + 0xfffff) >> 20, mem->size >> 20);
	ret = load_segments(mem, elf, err);
	if (!ret && args->initrd)
		ret = place_initrd(mem, args, out, err);
	if (!ret &&
	    gmem_write(mem, PVH_CMDLINE_ADDR, args->cmdline, cmdlen + 1))
		ret = err_fail(err, ENOMEM,
			       "RAM too small for the command "
			       "line");
	if (!ret)
		ret = write_start_info(mem, out, args->rsdp_paddr, err);
	if (!ret)
		out->memmap_entries = (unsigned)bz_e820_map(mem->size, NULL);
	return ret;
}

/* fake_vmlinux.h - a small vmlinux-shaped ELF and a bzImage around it, for
 * the PVH loader's and the kernel cache's tests and fuzzer seeds: two
 * PT_LOADs (the second with vaddr 0, as Linux's percpu segment) and a
 * PT_NOTE with a GNU note before the PVH one. */
#ifndef FAKE_VMLINUX_H
#define FAKE_VMLINUX_H

#include <elf.h>
#include <stdint.h>
#include <string.h>

#define FV_SIZE	       0x3000u /* the file */
#define FV_TEXT_OFF    0x1000u
#define FV_TEXT_PADDR  0x200000u
#define FV_TEXT_FILESZ 0x100u
#define FV_TEXT_MEMSZ  0x2000u /* a bss after the file bytes */
#define FV_PCPU_OFF    0x2000u
#define FV_PCPU_PADDR  0x210000u
#define FV_PCPU_SIZE   0x80u
#define FV_NOTE_OFF    0x800u
#define FV_ENTRY       (FV_TEXT_PADDR + 0x10u)

/* One note at p: name (with its NUL) and desc, padded to 4; returns its
 * size. */
static inline size_t fv_note(uint8_t *p, const char *name, uint32_t type,
			     const void *desc, uint32_t descsz)
{
	Elf64_Nhdr nh = {(uint32_t)strlen(name) + 1, descsz, type};
	size_t name_pad = (nh.n_namesz + 3u) & ~3u;

	memcpy(p, &nh, sizeof(nh));
	memset(p + sizeof(nh), 0, name_pad);
	memcpy(p + sizeof(nh), name, nh.n_namesz);
	memcpy(p + sizeof(nh) + name_pad, desc, descsz);
	return sizeof(nh) + name_pad + ((descsz + 3u) & ~3u);
}

/* The ELF into elf (FV_SIZE bytes); with_note 0 leaves the PVH note out. */
static inline void fv_make(uint8_t *elf, int with_note)
{
	Elf64_Ehdr eh = {
		.e_ident = {ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3, ELFCLASS64,
			    ELFDATA2LSB, EV_CURRENT},
		.e_type = ET_EXEC,
		.e_machine = EM_X86_64,
		.e_version = EV_CURRENT,
		.e_entry = FV_TEXT_PADDR,
		.e_phoff = sizeof(Elf64_Ehdr),
		.e_ehsize = sizeof(Elf64_Ehdr),
		.e_phentsize = sizeof(Elf64_Phdr),
		.e_phnum = 3,
	};
	uint64_t entry = FV_ENTRY, id = 0x1122334455667788ULL;
	size_t notes;
	Elf64_Phdr ph[3] = {
		{.p_type = PT_LOAD,
		 .p_offset = FV_TEXT_OFF,
		 .p_vaddr = 0xffffffff80200000ULL,
		 .p_paddr = FV_TEXT_PADDR,
		 .p_filesz = FV_TEXT_FILESZ,
		 .p_memsz = FV_TEXT_MEMSZ},
		{.p_type = PT_LOAD,
		 .p_offset = FV_PCPU_OFF,
		 .p_vaddr = 0,
		 .p_paddr = FV_PCPU_PADDR,
		 .p_filesz = FV_PCPU_SIZE,
		 .p_memsz = FV_PCPU_SIZE},
		{.p_type = PT_NOTE, .p_offset = FV_NOTE_OFF},
	};

	memset(elf, 0, FV_SIZE);
	notes = fv_note(elf + FV_NOTE_OFF, "GNU", 3, &id, sizeof(id));
	if (with_note)
		notes += fv_note(elf + FV_NOTE_OFF + notes, "Xen", 18, &entry,
				 sizeof(entry));
	ph[2].p_filesz = ph[2].p_memsz = notes;
	memcpy(elf, &eh, sizeof(eh));
	memcpy(elf + sizeof(eh), ph, sizeof(ph));
	for (unsigned i = 0; i < FV_TEXT_FILESZ; i++)
		elf[FV_TEXT_OFF + i] = (uint8_t)(0x40 + i);
	memset(elf + FV_PCPU_OFF, 0x5c, FV_PCPU_SIZE);
}

/* A bzImage header (protocol 2.15) with setup_sects 4 and the payload
 * payload[0..len) at payload_offset 0x100 of the protected-mode code,
 * followed by its size trailer; returns the file's size (bz needs
 * 0xa00 + 0x100 + len + 4 + 0x40 bytes). */
static inline size_t fv_bzimage(uint8_t *bz, const uint8_t *payload, size_t len,
				uint32_t trailer)
{
	const size_t setup = 5 * 512, off = 0x100;
	size_t size = setup + off + len + 4 + 0x40;
	uint32_t v;

	memset(bz, 0, size);
	bz[0x1f1] = 4;
	bz[0x1fe] = 0x55;
	bz[0x1ff] = 0xaa;
	bz[0x201] = 0x66;
	memcpy(bz + 0x202, "HdrS", 4);
	bz[0x206] = 0x0f;
	bz[0x207] = 0x02;
	bz[0x211] = 0x01; /* LOADED_HIGH */
	v = 0x7fffffff;
	memcpy(bz + 0x22c, &v, 4);
	v = 2047;
	memcpy(bz + 0x238, &v, 4);
	v = (uint32_t)off;
	memcpy(bz + 0x248, &v, 4);
	v = (uint32_t)(len + 4);
	memcpy(bz + 0x24c, &v, 4);
	v = 0x1000000;
	memcpy(bz + 0x258, &v, 4);
	v = 0x1000000; /* init_size: at least the kernel's bytes */
	memcpy(bz + 0x260, &v, 4);
	memcpy(bz + setup + off, payload, len);
	memcpy(bz + setup + off + len, &trailer, 4);
	return size;
}

#endif

/* loader.c - reading guest files and copying images into guest RAM, with every
 * range checked. */
#include "loader.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "layout.h"

/* True when [a, a + alen) and [b, b + blen) share a byte; no overflow
 * because callers pass ranges already known to lie inside RAM. */
static int overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return alen && blen && a < b + blen && b < a + alen;
}

int loader_check_range(const struct guest_mem *mem, gpa_t gpa, uint64_t len,
		       const char *what, struct errbuf *err)
{
	uint64_t vmm = layout_vmm_area(mem->size);

	if (!gmem_contains(mem, gpa, len))
		return err_fail(err, ERANGE,
				"%s: 0x%llx bytes at 0x%llx do not fit in %llu "
				"KiB of guest RAM",
				what, (unsigned long long)len,
				(unsigned long long)gpa,
				(unsigned long long)mem->size >> 10);
	if (overlaps(gpa, len, LAYOUT_STACK_BOTTOM,
		     LAYOUT_LOW_RESERVED_END - LAYOUT_STACK_BOTTOM))
		return err_fail(err, EINVAL,
				"%s: 0x%llx-0x%llx overlaps the stack and "
				"hypercall area 0x%llx-0x%llx",
				what, (unsigned long long)gpa,
				(unsigned long long)(gpa + len - 1),
				LAYOUT_STACK_BOTTOM,
				LAYOUT_LOW_RESERVED_END - 1);
	if (overlaps(gpa, len, vmm, LAYOUT_VMM_AREA_SIZE))
		return err_fail(err, EINVAL,
				"%s: 0x%llx-0x%llx overlaps the VMM area "
				"0x%llx-0x%llx at the end of RAM",
				what, (unsigned long long)gpa,
				(unsigned long long)(gpa + len - 1),
				(unsigned long long)vmm,
				(unsigned long long)(mem->size - 1));
	return 0;
}

int loader_load_flat(const struct guest_mem *mem, gpa_t load_addr,
		     const void *image, size_t size, const char *name,
		     struct errbuf *err)
{
	int ret = loader_check_range(mem, load_addr, size, name, err);

	if (ret)
		return ret;
	return gmem_write(mem, load_addr, image, size);
}

/* What a file that is not a regular file is, for the message. */
static const char *file_type_name(mode_t mode)
{
	return S_ISDIR(mode)	? "directory"
	       : S_ISFIFO(mode) ? "fifo"
	       : S_ISCHR(mode)	? "character device"
	       : S_ISBLK(mode)	? "block device"
	       : S_ISSOCK(mode) ? "socket"
				: "unknown type";
}

int loader_read_file(const char *path, uint8_t **data, size_t *size,
		     struct errbuf *err)
{
	return loader_read_file_max(path, LOADER_MAX_FILE, data, size, err);
}

int loader_read_file_max(const char *path, uint64_t max, uint8_t **data,
			 size_t *size, struct errbuf *err)
{
	struct stat st;
	uint8_t *buf;
	size_t done = 0;
	int fd, ret = 0;

	/* O_NONBLOCK: opening a FIFO to read would wait for a writer, and a
	 * device could wait for anything; fstat below refuses both. On a
	 * regular file the flag changes nothing. */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return err_fail(err, errno, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0) {
		ret = err_fail(err, errno, "%s: %s", path, strerror(errno));
		goto out_close;
	}
	if (!S_ISREG(st.st_mode)) {
		ret = err_fail(err, EINVAL, "%s: not a regular file (%s)", path,
			       file_type_name(st.st_mode));
		goto out_close;
	}
	if (st.st_size == 0) {
		ret = err_fail(err, EINVAL, "%s: empty file", path);
		goto out_close;
	}
	if ((uint64_t)st.st_size > max) {
		ret = err_fail(err, EFBIG,
			       "%s: %lld bytes, more than the %llu MiB "
			       "a guest image may have",
			       path, (long long)st.st_size,
			       (unsigned long long)max >> 20);
		goto out_close;
	}
	buf = malloc(st.st_size);
	if (!buf) {
		ret = err_fail(err, ENOMEM, "%s: out of memory", path);
		goto out_close;
	}
	while (done < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + done, st.st_size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ret = err_fail(err, n < 0 ? errno : EIO, "%s: read: %s",
				       path,
				       n < 0 ? strerror(errno)
					     : "file shrank while reading");
			free(buf);
			goto out_close;
		}
		done += n;
	}
	*data = buf;
	*size = done;
out_close:
	close(fd);
	return ret;
}

/* --- ELF ------------------------------------------------------------------ */

/* The fields of an ELF header or program header the loader uses, in one
 * shape for both classes. */
struct elf_header {
	int elf_class;
	uint64_t entry, phoff;
	unsigned phnum, phentsize;
};

struct elf_segment {
	uint32_t type;
	uint64_t offset, vaddr, paddr, filesz, memsz;
};

#define ELF_MAX_PHNUM 64

static int is_elf(const uint8_t *data, size_t size)
{
	return size >= SELFMAG && memcmp(data, ELFMAG, SELFMAG) == 0;
}

static int parse_elf_header(const uint8_t *data, size_t size, const char *name,
			    struct elf_header *h, struct errbuf *err)
{
	Elf64_Ehdr e64;
	Elf32_Ehdr e32;
	unsigned machine, type;

	if (size < EI_NIDENT)
		return err_fail(err, ENOEXEC, "%s: truncated ELF header", name);
	h->elf_class = data[EI_CLASS] == ELFCLASS64   ? 64
		       : data[EI_CLASS] == ELFCLASS32 ? 32
						      : 0;
	if (!h->elf_class || data[EI_DATA] != ELFDATA2LSB ||
	    data[EI_VERSION] != EV_CURRENT)
		return err_fail(err, ENOEXEC,
				"%s: not a little-endian ELF32 or ELF64 file",
				name);
	if (size < (h->elf_class == 64 ? sizeof(e64) : sizeof(e32)))
		return err_fail(err, ENOEXEC, "%s: truncated ELF header", name);
	if (h->elf_class == 64) {
		memcpy(&e64, data, sizeof(e64));
		type = e64.e_type, machine = e64.e_machine;
		h->entry = e64.e_entry, h->phoff = e64.e_phoff;
		h->phnum = e64.e_phnum, h->phentsize = e64.e_phentsize;
	} else {
		memcpy(&e32, data, sizeof(e32));
		type = e32.e_type, machine = e32.e_machine;
		h->entry = e32.e_entry, h->phoff = e32.e_phoff;
		h->phnum = e32.e_phnum, h->phentsize = e32.e_phentsize;
	}
	if (type != ET_EXEC)
		return err_fail(
			err, ENOEXEC,
			"%s: ELF type %u, only executables (ET_EXEC) run", name,
			type);
	if (machine != (h->elf_class == 64 ? EM_X86_64 : EM_386))
		return err_fail(err, ENOEXEC,
				"%s: ELF%d for machine %u, not x86", name,
				h->elf_class, machine);
	if (h->phentsize != (h->elf_class == 64 ? sizeof(Elf64_Phdr)
						: sizeof(Elf32_Phdr)) ||
	    h->phnum == 0 || h->phnum > ELF_MAX_PHNUM)
		return err_fail(
			err, ENOEXEC,
			"%s: %u program headers of %u bytes (want 1..%d "
			"of the class's size)",
			name, h->phnum, h->phentsize, ELF_MAX_PHNUM);
	if (h->phoff > size ||
	    (uint64_t)h->phnum * h->phentsize > size - h->phoff)
		return err_fail(
			err, ENOEXEC,
			"%s: program headers run past the end of the file",
			name);
	return 0;
}

static void read_segment(const uint8_t *data, const struct elf_header *h,
			 unsigned i, struct elf_segment *seg)
{
	const uint8_t *at = data + h->phoff + (uint64_t)i * h->phentsize;

	if (h->elf_class == 64) {
		Elf64_Phdr p;

		memcpy(&p, at, sizeof(p));
		*seg = (struct elf_segment){p.p_type,  p.p_offset, p.p_vaddr,
					    p.p_paddr, p.p_filesz, p.p_memsz};
	} else {
		Elf32_Phdr p;

		memcpy(&p, at, sizeof(p));
		*seg = (struct elf_segment){p.p_type,  p.p_offset, p.p_vaddr,
					    p.p_paddr, p.p_filesz, p.p_memsz};
	}
}

/* Checks one PT_LOAD segment against the file and guest RAM. */
static int check_segment(const struct guest_mem *mem, size_t size,
			 const struct elf_segment *seg, unsigned i,
			 const char *name, struct errbuf *err)
{
	char what[300];

	snprintf(what, sizeof(what), "%s: segment %u", name, i);
	if (seg->filesz > seg->memsz)
		return err_fail(
			err, ENOEXEC,
			"%s: file size 0x%llx exceeds memory size 0x%llx", what,
			(unsigned long long)seg->filesz,
			(unsigned long long)seg->memsz);
	if (seg->offset > size || seg->filesz > size - seg->offset)
		return err_fail(
			err, ENOEXEC,
			"%s: bytes 0x%llx+0x%llx lie past the end of the file",
			what, (unsigned long long)seg->offset,
			(unsigned long long)seg->filesz);
	if (loader_check_range(mem, seg->paddr, seg->memsz, what, err))
		return -ERANGE;
	return 0;
}

/* The PT_LOAD segments that occupy memory, checked, in file order. */
struct elf_plan {
	struct elf_segment seg[ELF_MAX_PHNUM];
	unsigned index[ELF_MAX_PHNUM]; /* program header numbers */
	unsigned count;
};

/*
 * Refuses a segment that shares a guest physical byte with one before it:
 * copied later, its bytes or its bss zeros would overwrite what that one
 * holds. Both lie in RAM (checked), so the ends do not overflow.
 */
static int check_overlap(const struct elf_plan *plan,
			 const struct elf_segment *seg, unsigned i,
			 const char *name, struct errbuf *err)
{
	for (unsigned k = 0; k < plan->count; k++) {
		const struct elf_segment *old = &plan->seg[k];

		if (overlaps(seg->paddr, seg->memsz, old->paddr, old->memsz))
			return err_fail(
				err, ENOEXEC,
				"%s: segment %u at 0x%llx-0x%llx overlaps "
				"segment %u at 0x%llx-0x%llx",
				name, i, (unsigned long long)seg->paddr,
				(unsigned long long)(seg->paddr + seg->memsz -
						     1),
				plan->index[k], (unsigned long long)old->paddr,
				(unsigned long long)(old->paddr + old->memsz -
						     1));
	}
	return 0;
}

/* Copies a checked segment: its bytes from the file, then its bss. */
static void copy_segment(const struct guest_mem *mem, const uint8_t *data,
			 const struct elf_segment *seg)
{
	uint8_t *dst = gmem_ptr(mem, seg->paddr, seg->memsz);

	memcpy(dst, data + seg->offset, seg->filesz);
	memset(dst + seg->filesz, 0, seg->memsz - seg->filesz);
}

/* Reads and checks every segment that occupies memory into plan; nothing
 * is copied yet, so a refused file leaves guest RAM as it was. */
static int plan_segments(const struct guest_mem *mem, const uint8_t *data,
			 size_t size, const struct elf_header *h,
			 const char *name, struct elf_plan *plan,
			 struct errbuf *err)
{
	plan->count = 0;
	for (unsigned i = 0; i < h->phnum; i++) {
		struct elf_segment seg;
		int ret;

		read_segment(data, h, i, &seg);
		if (seg.type != PT_LOAD || seg.memsz == 0)
			continue;
		ret = check_segment(mem, size, &seg, i, name, err);
		if (!ret)
			ret = check_overlap(plan, &seg, i, name, err);
		if (ret)
			return ret;
		plan->seg[plan->count] = seg;
		plan->index[plan->count++] = i;
	}
	if (!plan->count)
		return err_fail(err, ENOEXEC, "%s: no PT_LOAD segment", name);
	return 0;
}

/* The VMM identity-maps RAM, so the entry (a virtual address) must fall
 * in a segment whose virtual and physical addresses agree. */
static int entry_is_loaded(const struct elf_plan *plan, uint64_t entry)
{
	for (unsigned k = 0; k < plan->count; k++) {
		const struct elf_segment *seg = &plan->seg[k];

		if (seg->vaddr == seg->paddr && entry >= seg->vaddr &&
		    entry - seg->vaddr < seg->memsz)
			return 1;
	}
	return 0;
}

static int load_elf(const struct guest_mem *mem, const uint8_t *data,
		    size_t size, const char *name, struct loaded_image *img,
		    struct errbuf *err)
{
	struct elf_header h = {0};
	struct elf_plan plan;
	int ret = parse_elf_header(data, size, name, &h, err);

	if (!ret)
		ret = plan_segments(mem, data, size, &h, name, &plan, err);
	if (ret)
		return ret;
	if (!entry_is_loaded(&plan, h.entry))
		return err_fail(
			err, ENOEXEC,
			"%s: entry point 0x%llx is in no loaded segment", name,
			(unsigned long long)h.entry);
	img->lowest = UINT64_MAX;
	img->highest = 0;
	for (unsigned k = 0; k < plan.count; k++) {
		const struct elf_segment *seg = &plan.seg[k];

		copy_segment(mem, data, seg);
		if (seg->paddr < img->lowest)
			img->lowest = seg->paddr;
		if (seg->paddr + seg->memsz > img->highest)
			img->highest = seg->paddr + seg->memsz;
	}
	img->entry = h.entry;
	img->elf_class = h.elf_class;
	return 0;
}

int loader_load_image(const struct guest_mem *mem, const uint8_t *data,
		      size_t size, gpa_t flat_addr, const char *name,
		      struct loaded_image *img, struct errbuf *err)
{
	int ret;

	memset(img, 0, sizeof(*img));
	if (is_elf(data, size))
		return load_elf(mem, data, size, name, img, err);
	ret = loader_load_flat(mem, flat_addr, data, size, name, err);
	if (ret)
		return ret;
	img->entry = flat_addr;
	img->lowest = flat_addr;
	img->highest = flat_addr + size;
	return 0;
}

/* footprint.c - measuring matrix's threads, memory and descriptors from
 * /proc. */
#include "footprint.h"

#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGE_KB 4

/* path beneath /proc/self, for stdio: openat, then fdopen or fdopendir. */
static FILE *open_proc_file(int proc, const char *path)
{
	int fd = openat(proc, path, O_RDONLY | O_CLOEXEC);
	FILE *f = fd >= 0 ? fdopen(fd, "r") : NULL;

	if (fd >= 0 && !f)
		close(fd);
	return f;
}

static DIR *open_proc_dir(int proc, const char *path)
{
	int fd = openat(proc, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;

	if (fd >= 0 && !d)
		close(fd);
	return d;
}

/* Is task tid one of KVM's own workers (kvm-nx-lpage-recovery)? */
static int is_kvm_worker(int proc, const char *tid)
{
	char path[300], comm[32] = "";
	FILE *f;

	snprintf(path, sizeof(path), "task/%s/comm", tid);
	f = open_proc_file(proc, path);
	if (!f)
		return 0;
	if (!fgets(comm, sizeof(comm), f))
		comm[0] = '\0';
	fclose(f);
	return strncmp(comm, "kvm-", 4) == 0;
}

void footprint_threads(int proc, int *threads, int *kvm_workers)
{
	DIR *d = open_proc_dir(proc, "task");
	struct dirent *e;

	*threads = *kvm_workers = 0;
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (is_kvm_worker(proc, e->d_name))
			++*kvm_workers;
		else
			++*threads;
	}
	if (d)
		closedir(d);
}

uint64_t footprint_rss_kb(int proc)
{
	FILE *f = open_proc_file(proc, "smaps_rollup");
	uint64_t kb = 0;
	char line[128];

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "Rss: %" SCNu64, &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb;
}

uint64_t footprint_guest_resident_kb(const struct guest_mem *mem)
{
	size_t pages = mem->size / (PAGE_KB * 1024);
	unsigned char *vec = malloc(pages);
	uint8_t *ram = gmem_ptr(mem, 0, mem->size);
	uint64_t resident = 0;

	if (vec && ram && mincore(ram, mem->size, vec) == 0)
		for (size_t p = 0; p < pages; p++)
			resident += vec[p] & 1;
	free(vec);
	return resident * PAGE_KB;
}

int footprint_fds(int proc)
{
	DIR *d = open_proc_dir(proc, "fd");
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)))
		n += e->d_name[0] != '.';
	if (d)
		closedir(d);
	return n - 1; /* not the one the listing holds */
}

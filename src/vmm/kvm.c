/* kvm.c - opening /dev/kvm with errors a user can act on. */
#include "kvm.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

/* The capabilities without which no guest of ours can run. */
static const struct {
	int cap;
	const char *name;
} required_caps[] = {
	{KVM_CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY"},
	{KVM_CAP_SET_TSS_ADDR, "KVM_CAP_SET_TSS_ADDR"},
	{KVM_CAP_EXT_CPUID, "KVM_CAP_EXT_CPUID"},
};

const char *kvm_open_hint(int errnum)
{
	switch (errnum) {
	case ENOENT:
		return "no such device: KVM is not in this kernel or its module "
		       "is not loaded (modprobe kvm_intel or kvm_amd); without "
		       "KVM, run through scripts/kvm-run";
	case EACCES:
	case EPERM:
		return "permission denied: add yourself to the kvm group "
		       "(sudo usermod -aG kvm $USER, then log in again)";
	case ENODEV:
	case ENXIO:
		return "no hardware virtualization: enable VT-x/AMD-V in the "
		       "firmware, or run through scripts/kvm-run";
	default:
		return strerror(errnum);
	}
}

/* KVM_GET_SUPPORTED_CPUID needs a buffer large enough for every leaf; it
 * says E2BIG until it is, so grow it until it fits. */
static int read_supported_cpuid(struct kvm_dev *kvm, struct errbuf *err)
{
	for (int nent = 64; nent <= 4096; nent *= 2) {
		struct kvm_cpuid2 *cpuid;

		cpuid = calloc(1,
			       sizeof(*cpuid) +
				       nent * sizeof(struct kvm_cpuid_entry2));
		if (!cpuid)
			return err_fail(err, ENOMEM, "KVM_GET_SUPPORTED_CPUID");
		cpuid->nent = nent;
		if (ioctl(kvm->fd, KVM_GET_SUPPORTED_CPUID, cpuid) == 0) {
			kvm->cpuid = cpuid;
			return 0;
		}
		free(cpuid);
		if (errno != E2BIG)
			return err_fail(err, errno,
					"KVM_GET_SUPPORTED_CPUID: %s",
					strerror(errno));
	}
	return err_fail(err, E2BIG, "KVM_GET_SUPPORTED_CPUID: too many leaves");
}

/* The loaded KVM module names the implementation behind /dev/kvm;
 * kvm_pvm first, as it can be loaded beside a hardware one. */
static void read_flavor(struct kvm_dev *kvm)
{
	static const char *const modules[] = {"kvm_pvm", "kvm_amd",
					      "kvm_intel"};
	char path[64];
	struct stat st;

	snprintf(kvm->flavor, sizeof(kvm->flavor), "KVM");
	for (size_t i = 0; i < sizeof(modules) / sizeof(modules[0]); i++) {
		snprintf(path, sizeof(path), "/sys/module/%s", modules[i]);
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
			snprintf(kvm->flavor, sizeof(kvm->flavor), "%s",
				 modules[i]);
			return;
		}
	}
}

static int check_api(struct kvm_dev *kvm, const char *path, struct errbuf *err)
{
	int version = ioctl(kvm->fd, KVM_GET_API_VERSION, 0);

	if (version != KVM_API_VERSION)
		return err_fail(err, ENOTSUP,
				"%s: KVM API version %d, this VMM needs %d",
				path, version, KVM_API_VERSION);
	for (size_t i = 0; i < sizeof(required_caps) / sizeof(required_caps[0]);
	     i++) {
		if (ioctl(kvm->fd, KVM_CHECK_EXTENSION, required_caps[i].cap) <=
		    0)
			return err_fail(
				err, ENOTSUP,
				"%s: KVM lacks %s, which this VMM needs", path,
				required_caps[i].name);
	}
	return 0;
}

int kvm_dev_open(struct kvm_dev *kvm, const char *path, struct errbuf *err)
{
	int ret, size, sync;

	memset(kvm, 0, sizeof(*kvm));
	kvm->fd = open(path, O_RDWR | O_CLOEXEC);
	if (kvm->fd < 0)
		return err_fail(err, errno, "cannot open %s: %s", path,
				kvm_open_hint(errno));

	ret = check_api(kvm, path, err);
	if (ret)
		goto out_close;

	size = ioctl(kvm->fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (size < (int)sizeof(struct kvm_run)) {
		ret = err_fail(err, errno, "%s: KVM_GET_VCPU_MMAP_SIZE: %s",
			       path, strerror(errno));
		goto out_close;
	}
	kvm->vcpu_mmap_size = size;
	kvm->has_stats_fd = ioctl(kvm->fd, KVM_CHECK_EXTENSION,
				  KVM_CAP_BINARY_STATS_FD) > 0;
	sync = ioctl(kvm->fd, KVM_CHECK_EXTENSION, KVM_CAP_SYNC_REGS);
	kvm->has_sync_regs = sync > 0 && (sync & KVM_SYNC_X86_SREGS);
	kvm->has_emulation_exit = ioctl(kvm->fd, KVM_CHECK_EXTENSION,
					KVM_CAP_EXIT_ON_EMULATION_FAILURE) > 0;
	read_flavor(kvm);

	ret = read_supported_cpuid(kvm, err);
	if (ret)
		goto out_close;
	kvm_cpuid_paging(kvm->cpuid, &kvm->paging);
	return 0;

out_close:
	kvm_dev_close(kvm);
	return ret;
}

void kvm_dev_close(struct kvm_dev *kvm)
{
	if (kvm->fd > 0)
		close(kvm->fd);
	free(kvm->cpuid);
	memset(kvm, 0, sizeof(*kvm));
	kvm->fd = -1;
}

const struct kvm_cpuid_entry2 *kvm_cpuid_find(const struct kvm_cpuid2 *cpuid,
					      uint32_t function, uint32_t index)
{
	for (uint32_t i = 0; cpuid && i < cpuid->nent; i++)
		if (cpuid->entries[i].function == function &&
		    cpuid->entries[i].index == index)
			return &cpuid->entries[i];
	return NULL;
}

/* KVM's test for the AMD rules: the vendor strings of AMD and Hygon. */
static int vendor_is_amd(const struct kvm_cpuid_entry2 *leaf0)
{
	char vendor[12];

	memcpy(vendor, &leaf0->ebx, 4);
	memcpy(vendor + 4, &leaf0->edx, 4);
	memcpy(vendor + 8, &leaf0->ecx, 4);
	return !memcmp(vendor, "AuthenticAMD", 12) ||
	       !memcmp(vendor, "AMDisbetter!", 12) ||
	       !memcmp(vendor, "HygonGenuine", 12);
}

void kvm_cpuid_paging(const struct kvm_cpuid2 *cpuid, struct kvm_paging *out)
{
	const struct kvm_cpuid_entry2 *leaf0 = kvm_cpuid_find(cpuid, 0, 0);
	const struct kvm_cpuid_entry2 *ext =
		kvm_cpuid_find(cpuid, 0x80000000, 0);
	const struct kvm_cpuid_entry2 *ext1 =
		kvm_cpuid_find(cpuid, 0x80000001, 0);
	const struct kvm_cpuid_entry2 *ext8 =
		kvm_cpuid_find(cpuid, 0x80000008, 0);

	out->maxphyaddr = 36;
	if (ext && ext->eax >= 0x80000008 && ext8)
		out->maxphyaddr = ext8->eax & 0xff;
	out->gbpages = ext1 && ((ext1->edx >> 26) & 1);
	out->amd = leaf0 && vendor_is_amd(leaf0);
}

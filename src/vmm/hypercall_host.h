/* hypercall_host.h - the VMM's side of the hypercall ABI: one I/O exit. */
#ifndef HYPERCALL_HOST_H
#define HYPERCALL_HOST_H

#include <linux/kvm.h>
#include <stdint.h>
#include <stdio.h>

#include "errbuf.h"
#include "exit_stats.h"
#include "guest_mem.h"

#include "hypercall_abi.h"

struct outbuf;

/* "HC_printStr" for HC_NR_PRINT_STR, and so on. */
const char *hc_call_name(int call);

/*
 * Parses a comma-separated list of hypercall names ("HC_gvaToHva" or
 * "gvaToHva") into a mask of (1 << call) bits for hc_env.denied.
 */
int hc_parse_deny(const char *list, uint32_t *mask, struct errbuf *err);

/* The access a translation is for: a read, or a write with HC_ACCESS_WRITE.
 * The core knows no page tables: the bit is the walker's PW_WRITE
 * (pagewalk.h, a layer above), which guest_va.c checks at compile time. */
#define HC_ACCESS_WRITE 1u

/*
 * Translates a guest virtual address to a guest physical one for an access
 * the VMM makes for the guest (HC_ACCESS_WRITE, or a read): 0, -EFAULT when the
 * guest's page tables map nothing there, -EACCES when they forbid the
 * access. simple-kvm and matrix pass gva_translate (a software walk);
 * unit tests pass a fake.
 */
typedef int (*hc_translate_fn)(void *ctx, uint64_t gva, unsigned access,
			       uint64_t *gpa);

/* KVM's own translation, for HC_gvaToHva's answer: gva_translate_kvm. */
typedef int (*hc_kvm_translate_fn)(void *ctx, uint64_t gva, uint64_t *gpa);

/* Everything a hypercall may touch, for one VM. */
struct hc_env {
	const struct guest_mem *mem;
	hc_translate_fn translate;
	hc_kvm_translate_fn kvm_translate;
	void *translate_ctx;	  /* passed to both */
	FILE *out;		  /* where the guest's prints go */
	struct outbuf *outbuf;	  /* behind out, or NULL: see vcpu_step */
	int escape_controls;	  /* show control bytes as \xHH (terminals) */
	struct exit_stats *stats; /* read by numExits and numExitsByType */
	unsigned bytype_next;	  /* next slot of the numExitsByType ring */
	int ignore_unknown_ports; /* unknown port: ignore instead of stop */
	uint32_t denied;	  /* bit (1 << call): refuse this hypercall */
	struct errbuf *err; /* set by hc_handle_io for the call it serves */
};

enum hc_action {
	HC_RESUME,     /* served; run the guest on */
	HC_GUEST_EXIT, /* the guest called HC_exit; see exit_code */
};

struct hc_outcome {
	enum hc_action action;
	uint32_t exit_code;
	int call; /* the hypercall served, or -1 for an ignored port */
};

/* True for the ports the hypercall ABI defines (0xe9, 0x500..0x507). */
int hc_is_abi_port(uint16_t port);

/*
 * Serves the KVM_EXIT_IO in run. Checks port, direction, size and count
 * before looking the call up; every guest address goes through translate
 * and then gmem_ptr. Counts the call in env->stats. Returns 0 with the
 * outcome, or a negative errno with one line in err saying what the guest
 * did wrong (port, direction, size, address); the caller stops the guest.
 */
int hc_handle_io(struct hc_env *env, struct kvm_run *run,
		 struct hc_outcome *outcome, struct errbuf *err);

/*
 * Reads the NUL-terminated string at gva (at most HC_STR_MAX bytes with
 * its NUL), page by page through translate, and writes it to out exactly.
 * Nothing is written unless the whole string is valid.
 */
int hc_print_guest_string(struct hc_env *env, uint64_t gva, struct errbuf *err);

/* Copies len bytes between a guest virtual range and the host, page by
 * page; refuses a range that is unmapped, outside RAM or crosses 4 GiB. */
int hc_copy_from_guest(struct hc_env *env, uint64_t gva, void *dst, size_t len,
		       struct errbuf *err);
int hc_copy_to_guest(struct hc_env *env, uint64_t gva, const void *src,
		     size_t len, struct errbuf *err);

#endif

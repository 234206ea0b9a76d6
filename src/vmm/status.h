/* status.h - the exit statuses of simple-kvm and matrix, in one place. */
#ifndef STATUS_H
#define STATUS_H

/*
 * The guest owns 0-63 through HC_exit; the VMM's own statuses sit above,
 * as in sysexits.h, so that a guest can never pose as the VMM.
 */
enum vmm_status {
	STATUS_OK = 0,
	STATUS_WRONG_ANSWER = 1,   /* simple-kvm --expect did not hold */
	STATUS_GUEST_MAX = 63,	   /* the largest code HC_exit may pass */
	STATUS_USAGE = 64,	   /* bad flag or value */
	STATUS_IMAGE = 65,	   /* guest image missing, malformed, refused */
	STATUS_NO_KVM = 69,	   /* no usable /dev/kvm */
	STATUS_HOST = 70,	   /* a KVM call failed on the host side */
	STATUS_GUEST_CRASH = 71,   /* fault, triple fault, failed entry, ...;
				      matrix: a VM failed, the others ran on */
	STATUS_BAD_HYPERCALL = 72, /* unknown port, wrong size, bad pointer */
	STATUS_IO_ERROR = 74,	   /* stdout failed: its reader went away */
	STATUS_TIMEOUT = 124,	   /* --timeout expired, as timeout(1) */
	STATUS_INTERRUPTED = 130,  /* SIGINT, as a shell reports it */
};

#endif

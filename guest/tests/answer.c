/* answer.c - the kvm-hello-world check: leaves 42 in memory and in EAX/RAX
 * (run with simple-kvm --expect 42). */
#include <stdint.h>

/* The test variants build this file with another value for one of the two
 * places, to prove that the host notices a wrong answer. */
#ifndef ANSWER_IN_MEMORY
#define ANSWER_IN_MEMORY 42
#endif
#ifndef ANSWER_IN_REGISTER
#define ANSWER_IN_REGISTER 42
#endif

#define ANSWER_ADDR 0x400 /* LAYOUT_ANSWER_ADDR on the host side */

uint32_t guest_main(void);

uint32_t guest_main(void)
{
	/* volatile: the store is the point, the compiler must not drop it */
	*(volatile uint32_t *)ANSWER_ADDR = ANSWER_IN_MEMORY;
	return ANSWER_IN_REGISTER;
}

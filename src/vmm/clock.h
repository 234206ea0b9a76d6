/* clock.h - the one clock the VMM measures time with. */
#ifndef VMM_CLOCK_H
#define VMM_CLOCK_H

#include <stdint.h>
#include <time.h>

/* Nanoseconds of CLOCK_MONOTONIC: steady across changes of the wall
 * clock, so durations and deadlines stay right whatever the date does. */
static inline uint64_t monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

#endif

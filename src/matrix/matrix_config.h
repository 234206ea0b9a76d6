/* matrix_config.h - matrix's compiled-in defaults: QUANTUM, FRAC_A
 * and FRAC_B. */
#ifndef MATRIX_CONFIG_H
#define MATRIX_CONFIG_H

/* One scheduling quantum, in nanoseconds: 1 second.
 * --quantum overrides it (e.g. --quantum 10ms). */
#define QUANTUM 1000000000ull

/* Of every FRAC_A + FRAC_B quanta, FRAC_A go to the first VM (Neo) and
 * FRAC_B to the second (Morpheus). --weights 7,3 overrides them. */
#define FRAC_A 7
#define FRAC_B 3

#endif

/* exit_names.h - names of KVM_EXIT_* reasons, for messages and statistics. */
#ifndef EXIT_NAMES_H
#define EXIT_NAMES_H

#include <stdint.h>

/* Number of exit reasons the table knows (reasons 0 .. EXIT_REASON_COUNT-1). */
#define EXIT_REASON_COUNT 38

/* "KVM_EXIT_IO" for 2, and so on; "KVM_EXIT_(unknown)" beyond the table. */
const char *exit_reason_name(uint32_t reason);

/* The same without the "KVM_EXIT_" prefix: "IO", "HLT", "(unknown)". */
const char *exit_reason_short_name(uint32_t reason);

#endif

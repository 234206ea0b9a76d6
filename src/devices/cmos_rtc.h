/* cmos_rtc.h - the PC's CMOS clock (MC146818) on ports 0x70/0x71, read-only:
 * the host's time in BCD, never in an update cycle. */
#ifndef CMOS_RTC_H
#define CMOS_RTC_H

#include <stdint.h>
#include <time.h>

#define CMOS_INDEX_PORT 0x70
#define CMOS_DATA_PORT	0x71

struct cmos_rtc {
	uint8_t index; /* register selected through port 0x70 */
};

/* The guest writes port 0x70: selects a register (bit 7 is NMI mask). */
void cmos_select(struct cmos_rtc *rtc, uint8_t value);

/*
 * The guest reads port 0x71: the selected register at time now (UTC).
 * Status A says no update is in progress (Linux waits for UIP to clear,
 * and an empty bus's 0xFF would keep it set for ever), B says 24-hour
 * BCD, D says the time is valid; other registers read 0.
 */
uint8_t cmos_read(const struct cmos_rtc *rtc, time_t now);

#endif

/* cmos_rtc.c - MC146818 time registers from the host clock. */
#include "cmos_rtc.h"

#define REG_SECONDS  0x00
#define REG_MINUTES  0x02
#define REG_HOURS    0x04
#define REG_WEEKDAY  0x06
#define REG_DAY	     0x07
#define REG_MONTH    0x08
#define REG_YEAR     0x09
#define REG_STATUS_A 0x0a
#define REG_STATUS_B 0x0b
#define REG_STATUS_D 0x0d
#define REG_CENTURY  0x32

#define STATUS_A_NORMAL 0x26 /* 32.768 kHz base, 1024 Hz rate, no UIP */
#define STATUS_B_24H	0x02 /* 24-hour, BCD, no interrupts */
#define STATUS_D_VALID	0x80 /* battery good: the time can be trusted */

void cmos_select(struct cmos_rtc *rtc, uint8_t value)
{
	rtc->index = value & 0x7f;
}

static uint8_t bcd(int v)
{
	return (uint8_t)((v / 10 % 10) << 4 | v % 10);
}

/* The calendar fields of a UTC time, computed here rather than with
 * gmtime_r, whose first call reads the time zone file: the run loop may
 * open nothing. Days to date: Howard Hinnant's civil_from_days. */
struct rtc_time {
	int sec, min, hour, wday, mday, mon, year; /* mon 1-12, full year */
};

static void split_time(time_t now, struct rtc_time *t)
{
	int64_t secs = now < 0 ? 0 : (int64_t)now;
	int64_t days = secs / 86400, z = days + 719468;
	int64_t era = z / 146097, doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;

	t->sec = (int)(secs % 60);
	t->min = (int)(secs / 60 % 60);
	t->hour = (int)(secs / 3600 % 24);
	t->wday = (int)((days + 4) % 7); /* 1970-01-01 was a Thursday */
	t->mday = (int)(doy - (153 * mp + 2) / 5 + 1);
	t->mon = (int)(mp < 10 ? mp + 3 : mp - 9);
	t->year = (int)(yoe + era * 400 + (t->mon <= 2));
}

static uint8_t time_register(uint8_t index, const struct rtc_time *t)
{
	switch (index) {
	case REG_SECONDS:
		return bcd(t->sec);
	case REG_MINUTES:
		return bcd(t->min);
	case REG_HOURS:
		return bcd(t->hour);
	case REG_WEEKDAY:
		return bcd(t->wday + 1);
	case REG_DAY:
		return bcd(t->mday);
	case REG_MONTH:
		return bcd(t->mon);
	case REG_YEAR:
		return bcd(t->year % 100);
	case REG_CENTURY:
		return bcd(t->year / 100);
	}
	return 0;
}

uint8_t cmos_read(const struct cmos_rtc *rtc, time_t now)
{
	struct rtc_time t;

	switch (rtc->index) {
	case REG_STATUS_A:
		return STATUS_A_NORMAL;
	case REG_STATUS_B:
		return STATUS_B_24H;
	case REG_STATUS_D:
		return STATUS_D_VALID;
	}
	split_time(now, &t);
	return time_register(rtc->index, &t);
}

/* pcap.h - a classic pcap file (LINKTYPE_ETHERNET) of every frame a NIC
 * sent or received, for tcpdump -r or Wireshark. */
#ifndef PCAP_H
#define PCAP_H

#include <stdint.h>

#include "errbuf.h"

#define PCAP_SNAPLEN 65535u

struct pcap {
	int fd; /* -1: closed */
	uint64_t records, failures;
};

/* Creates (or truncates) path and writes the file header: magic
 * 0xa1b2c3d4 in host order, version 2.4, snaplen PCAP_SNAPLEN, link type
 * 1 (Ethernet). 0, or a negative errno with one line. */
int pcap_open(struct pcap *p, const char *path, struct errbuf *err);

/* Appends one record: the time now, then the len bytes of the frame (at
 * most PCAP_SNAPLEN of them kept, orig_len says len). A failed write is
 * counted in failures; the frame itself is never held back for it. */
void pcap_write(struct pcap *p, const void *frame, uint32_t len);

/* Closes the file (safe on a closed one). */
void pcap_close(struct pcap *p);

#endif

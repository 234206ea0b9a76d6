/* aml.h - a small encoder of ACPI Machine Language (ACPI 6.4, chapter 20):
 * the few terms a DSDT for this machine needs, written as bytes. */
#ifndef AML_H
#define AML_H

#include <stddef.h>
#include <stdint.h>

/*
 * An AML byte stream being written into buf. Every call appends; a call
 * that would pass cap, or an invalid name, sets bad and writes nothing
 * more, so that a caller checks once at the end.
 */
struct aml {
	uint8_t *buf;
	size_t cap, len;
	int bad;
};

/* An empty stream over buf[0..cap). */
void aml_init(struct aml *a, uint8_t *buf, size_t cap);

/* Raw bytes (an opcode, a resource descriptor). */
void aml_bytes(struct aml *a, const void *p, size_t n);

/*
 * A NameString: an optional leading '\' (the root), then name segments
 * separated by '.', each 1 to 4 characters of [A-Z0-9_] not starting with
 * a digit, padded with '_' ("_SB" is "_SB_"). Anything else sets bad.
 */
void aml_name(struct aml *a, const char *path);

/* An integer in its shortest encoding: ZeroOp, OneOp, then Byte, Word,
 * DWord or QWord prefix. */
void aml_integer(struct aml *a, uint64_t v);

/*
 * Opens a term that carries a PkgLength (Scope, Device, Package, ...):
 * writes op (oplen bytes) and returns the mark that aml_close needs.
 */
size_t aml_open(struct aml *a, const uint8_t *op, size_t oplen);

/* Closes the term opened at mark: inserts its PkgLength (1 to 4 bytes,
 * counting itself) before what was written since. */
void aml_close(struct aml *a, size_t mark);

/* The shortcuts: Scope (path) {, Device (path) {, Package (n) {, each
 * ended with aml_close. */
size_t aml_scope(struct aml *a, const char *path);
size_t aml_device(struct aml *a, const char *path);
size_t aml_package(struct aml *a, uint8_t nelem);

/* Name (path, ...): NameOp and the name; the object follows. */
void aml_name_decl(struct aml *a, const char *path);

/* Buffer () { bytes }: BufferOp, PkgLength, the size, the bytes. */
void aml_buffer(struct aml *a, const uint8_t *bytes, size_t n);

/*
 * EisaId ("PNP0A03"): three letters of 5 bits each and four hex digits,
 * as the 32-bit integer AML stores (0x030ad041 for PNP0A03). 0 for a
 * string that is not 3 capitals and 4 hex digits.
 */
uint32_t aml_eisa_id(const char *id);

#endif

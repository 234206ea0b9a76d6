#!/usr/bin/env python3
"""make-seeds.py - writes the seed corpora tests/fuzz/corpus/{hypercall,loader,cli,pci}/.

The seeds are committed; run this again after changing a harness's input
format (described at the top of each tests/fuzz/fuzz_*.c), then commit the
result. Every seed is small (well under 4 KiB) and means one thing, named
by its file name.
"""
import os
import shutil
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")


def u16(v):
    return struct.pack("<H", v)


def u24(v):
    return struct.pack("<I", v)[:3]


def u32(v):
    return struct.pack("<I", v & 0xFFFFFFFF)


def u64(v):
    return struct.pack("<Q", v & 0xFFFFFFFFFFFFFFFF)


# --- hypercall: see the input format in fuzz_hypercall.c -------------------

# port selectors (< 0xc0: index into the ABI's ports)
P8, P32, NUM, STR, BYTYPE, G2H, P64, EXIT, ABI = range(9)
DIR_OTHER, DIR_RAW = 2, 3
SIZE_RAW = 3 << 2
COUNT_RAW = 3 << 4


def header(ram=0, ignore=False, mmu=0, param=0, deny=None):
    config = ram | (8 if ignore else 0) | (mmu << 4) | (0x80 if deny else 0)
    return bytes([config]) + u16(param) + u16(deny or 0)


def hc_exit(sel, data=0, flags=0, extra=b""):
    """extra: raw port (sel >= 0xe0), raw direction, raw size, raw count."""
    return bytes([0, sel]) + extra[:2 if sel >= 0xE0 else 0] + bytes([flags]) \
        + extra[2 if sel >= 0xE0 else 0:] + u32(data)


def patch(gpa, data):
    assert len(data) < 256
    return bytes([3]) + u24(gpa) + bytes([len(data)]) + data


def fill(gpa, length, byte):
    return bytes([4]) + u24(gpa) + u24(length) + bytes([byte])


def map_unmapped(vpn):
    return bytes([5]) + u24(vpn) + bytes([0])


def map_frame(vpn, pfn):
    return bytes([5]) + u24(vpn) + bytes([1]) + u24(pfn)


def map_past_ram(vpn, past):
    return bytes([5]) + u24(vpn) + bytes([2]) + bytes([past])


def map_top(vpn, below):
    return bytes([5]) + u24(vpn) + bytes([3]) + bytes([below])


def stats(which, value):
    return bytes([6, which]) + u64(value)


HYPERCALL = {
    "print8": header() + hc_exit(P8, ord("A")),
    "print32": header() + hc_exit(P32, 1234567890),
    "num-exits": header() + stats(0, 41) + hc_exit(NUM),
    "num-exits-saturated": header() + stats(0, 1 << 40) + hc_exit(NUM),
    "print-str": header() + patch(0x1000, b"Hello from Guest!\n\0")
    + hc_exit(STR, 0x1000),
    "print-str-remapped": header() + map_frame(0x3, 0x80)
    + patch(0x2FFC, b"Hell") + patch(0x80000, b"o!\n\0") + hc_exit(STR, 0x2FFC),
    "print-str-into-unmapped": header() + map_unmapped(0x5)
    + fill(0x4F00, 0x100, ord("u")) + hc_exit(STR, 0x4F00),
    "print-str-past-ram": header() + fill(0xFF000, 0x1000, ord("x"))
    + hc_exit(STR, 0xFFF00),
    "print-str-ends-at-ram-end": header() + fill(0xFFF00, 0xFF, ord("e"))
    + hc_exit(STR, 0xFFF00),
    "print-str-too-long": header() + fill(0x20000, 0x10001, ord("y"))
    + hc_exit(STR, 0x20000),
    "print-str-longest": header() + fill(0x20000, 0xFFFF, ord("z"))
    + hc_exit(STR, 0x20000),
    "print-str-top-frame": header() + map_top(0x7, 0)
    + hc_exit(STR, 0x7FF0),
    "exits-by-type": header() + hc_exit(P8, ord("x")) + hc_exit(BYTYPE)
    + hc_exit(BYTYPE) + stats(3, 63) + hc_exit(BYTYPE),
    "exits-by-type-big-counts": header() + stats(1, 2**64 - 1)
    + stats(2, 2**64 - 2) + hc_exit(BYTYPE),
    "exits-by-type-small-ram": header(ram=6) + hc_exit(BYTYPE),
    "gva-to-hva": header() + patch(0x2000, u64(0x1234) + u64(0))
    + hc_exit(G2H, 0x2000),
    "gva-to-hva-invalid": header(mmu=1) + patch(0x2000, u64(0x7FFFF000) + u64(7))
    + hc_exit(G2H, 0x2000),
    "gva-to-hva-64bit-gva": header() + patch(0x2000, u64(0xFFFF800000001000)
                                             + u64(0)) + hc_exit(G2H, 0x2000),
    "gva-to-hva-block-straddles": header() + map_frame(0x3, 0x90)
    + patch(0x2FF8, u64(0x3000)) + hc_exit(G2H, 0x2FF8),
    "gva-to-hva-block-wraps-4g": header() + hc_exit(G2H, 0xFFFFFFF8),
    "print64": header() + patch(0x2000, u64(18446744073709551615))
    + hc_exit(P64, 0x2000),
    "print64-block-past-ram": header() + hc_exit(P64, 0x100000 - 4),
    "exit": header() + hc_exit(P8, ord("!")) + hc_exit(EXIT, 42),
    "abi-version": header() + hc_exit(ABI),
    "wrong-direction": header() + hc_exit(P32, 1, flags=DIR_OTHER),
    "wrong-size": header() + hc_exit(P32, 1, flags=SIZE_RAW, extra=bytes([2])),
    "string-io": header() + hc_exit(P8, 0x41, flags=COUNT_RAW, extra=u32(16)),
    "unknown-port": header() + hc_exit(0xC2, 0),
    "unknown-port-ignored-in": header(ignore=True)
    + hc_exit(0xE0, 0, flags=DIR_RAW | COUNT_RAW,
              extra=u16(0x60) + bytes([0]) + u32(64)),
    "denied": header(deny=1 << 5) + patch(0x2000, u64(0x1000) + u64(0))
    + hc_exit(G2H, 0x2000) + hc_exit(P8, ord("d")),
    "mmu-xor": header(mmu=3, param=0x11) + patch(0x11000, b"xor\n\0")
    + hc_exit(STR, 0x0000),
    "mmu-offset": header(mmu=6, param=0x20) + patch(0x21000, b"offset\n\0")
    + hc_exit(STR, 0x1000),
    "mmu-nothing-mapped": header(mmu=2) + map_frame(0x1, 0x1)
    + patch(0x1000, b"only\n\0") + hc_exit(STR, 0x1000) + hc_exit(STR, 0x2000),
    "past-ram-frame": header(ram=4) + map_past_ram(0x8, 0)
    + map_past_ram(0x9, 1) + patch(0x1F000, b"last\0")
    + hc_exit(STR, 0x8000) + hc_exit(STR, 0x9000),
}

# --- loader: see the input format in fuzz_loader.c --------------------------

ET_EXEC, EM_386, EM_X86_64 = 2, 3, 62
PT_LOAD, PT_NOTE = 1, 4
CODE = bytes([0xB0, 0x41, 0xE6, 0xE9, 0xF4])  # mov al,'A'; out 0xe9,al; hlt


def loader_input(file, ram_pages=256, mode=0, addr=0):
    return bytes([mode]) + u16(ram_pages - 32) + u64(addr) + file


def elf64(segments, entry):
    """segments: (type, vaddr, paddr, data, memsz); data follows the headers."""
    phoff, ehsize, phsize = 64, 64, 56
    off = phoff + phsize * len(segments)
    phdrs, body = b"", b""
    for typ, vaddr, paddr, data, memsz in segments:
        phdrs += struct.pack("<IIQQQQQQ", typ, 7, off + len(body), vaddr,
                             paddr, len(data), memsz, 0x1000)
        body += data
    ident = b"\x7fELF" + bytes([2, 1, 1]) + bytes(9)
    ehdr = ident + struct.pack("<HHIQQQIHHHHHH", ET_EXEC, EM_X86_64, 1, entry,
                               phoff, 0, 0, ehsize, phsize, len(segments),
                               64, 0, 0)
    return ehdr + phdrs + body


def elf32(segments, entry):
    phoff, ehsize, phsize = 52, 52, 32
    off = phoff + phsize * len(segments)
    phdrs, body = b"", b""
    for typ, vaddr, paddr, data, memsz in segments:
        phdrs += struct.pack("<IIIIIIII", typ, off + len(body), vaddr, paddr,
                             len(data), memsz, 7, 0x1000)
        body += data
    ident = b"\x7fELF" + bytes([1, 1, 1]) + bytes(9)
    ehdr = ident + struct.pack("<HHIIIIIHHHHHH", ET_EXEC, EM_386, 1, entry,
                               phoff, 0, 0, ehsize, phsize, len(segments),
                               40, 0, 0)
    return ehdr + phdrs + body


LOADER = {
    "elf64-minimal": loader_input(elf64([(PT_LOAD, 0x1000, 0x1000, CODE,
                                          len(CODE))], 0x1000)),
    "elf32-minimal": loader_input(elf32([(PT_LOAD, 0x1000, 0x1000, CODE,
                                          len(CODE))], 0x1000)),
    "elf64-bss-and-note": loader_input(elf64([
        (PT_NOTE, 0, 0, b"note", 4),
        (PT_LOAD, 0x1000, 0x1000, CODE, len(CODE)),
        (PT_LOAD, 0x20000, 0x20000, b"data", 0x3000)], 0x1000)),
    "elf32-high-segment": loader_input(elf32([
        (PT_LOAD, 0x10000, 0x10000, CODE, 0x100),
        (PT_LOAD, 0x28000, 0x28000, b"\x01\x02\x03\x04", 0x10)], 0x10002),
        ram_pages=64),
    "elf64-vaddr-not-paddr": loader_input(elf64([
        (PT_LOAD, 0xFFFFFFFF80001000, 0x1000, CODE, len(CODE))],
        0xFFFFFFFF80001000)),
    "elf64-overlaps-stack": loader_input(elf64([
        (PT_LOAD, 0xB000, 0xB000, CODE, 0x2000)], 0xB000)),
    "elf32-overlaps-vmm-area": loader_input(elf32([
        (PT_LOAD, 0x1000, 0x1000, CODE, len(CODE)),
        (PT_LOAD, 0x1F000, 0x1F000, CODE, len(CODE))], 0x1000), ram_pages=32),
    "elf64-truncated": loader_input(elf64([(PT_LOAD, 0x1000, 0x1000, CODE,
                                            len(CODE))], 0x1000)[:100]),
    "flat-default": loader_input(CODE),
    "flat-at-address": loader_input(CODE * 20, mode=1, addr=0x20000),
    "flat-at-ram-end": loader_input(CODE + bytes(3), mode=1,
                                    addr=0xF0000 - 8),
    "flat-high-address": loader_input(CODE, mode=2, addr=0xFFFFFFFFFFFFFFFE),
    "flat-page-address": loader_input(CODE, mode=3, addr=0x40),
}

# --- cli: TEXT [NUL MIN MAX] -------------------------------------------------


def bounded(text, lo, hi):
    return text + b"\0" + u64(lo) + u64(hi)


CLI = {
    "size-64K": b"64K",
    "size-16MiB": b"16MiB",
    "size-1G": b"1G",
    "size-4096": b"4096",
    "size-2tib": b"2tib",
    "size-overflow": b"16777216T",
    "duration-500ms": b"500ms",
    "duration-2s": b"2s",
    "duration-1m": b"1m",
    "duration-3h": b"3h",
    "duration-250us": b"250us",
    "duration-10ns": b"10ns",
    "uint-hex-0x10": b"0x10",
    "uint-hex-0xff": b"0xff",
    "uint-hex-upper": b"0X1F",
    "uint-max": b"18446744073709551615",
    "uint-too-large": b"18446744073709551616",
    "uint-bounded": bounded(b"42", 1, 1000000),
    "uint-below-min": bounded(b"0", 1, 1000000),
    "policy-io": b"io",
    "policy-rr": b"rr",
    "policy-frac": b"frac",
    "policy-fair": b"fair",
    "deny-list": b"gvaToHva,HC_printStr",
    "deny-all": b"print8bit,print32bit,numExits,printStr,numExitsByType,"
                b"gvaToHva,print64bit,exit,abiVersion",
}


# --- pci: see the input format in fuzz_pci.c --------------------------------

def pci_op(kind, sel, a, value=0):
    return bytes([kind, sel]) + u16(a) + u64(value)


def wlen(n):
    return {1: 0, 2: 2, 4: 4, 8: 6}[n]


def cfg_w(reg, value, n=4, slot=1):
    return pci_op(2, 1 | wlen(n), slot << 8 | reg, value)


def cfg_r(reg, n=4, slot=1):
    return pci_op(2, wlen(n), slot << 8 | reg)


def bar_w(off, value, n=4):
    return pci_op(1, 1 | wlen(n), off, value)


def bar_r(off, n=4):
    return pci_op(1, wlen(n), off)


MSIX_CTRL = 0x9a  # the MSI-X capability follows the five virtio ones


def linux_handshake():
    ops = [cfg_w(0x04, 0x6, 2), cfg_w(MSIX_CTRL, 0xc000, 2)]
    for v in range(4):
        ops += [bar_w(0x4000 + 16 * v, 0xfee00000), bar_w(0x4008 + 16 * v, 0x30 + v),
                bar_w(0x400c + 16 * v, 0)]
    ops += [cfg_w(MSIX_CTRL, 0x8000, 2)]
    ops += [bar_w(0x14, 0, 1), bar_w(0x14, 1, 1), bar_w(0x14, 3, 1)]
    ops += [bar_w(0x00, 1), bar_r(0x04), bar_w(0x08, 1), bar_w(0x0c, 1)]
    ops += [bar_w(0x14, 0xb, 1), bar_r(0x14, 1), bar_w(0x10, 0, 2)]
    for q in range(3):
        ops += [bar_w(0x16, q, 2), bar_r(0x18, 2), bar_w(0x18, 32, 2),
                bar_w(0x20, 0x1000 * (q + 1)), bar_w(0x24, 0),
                bar_w(0x28, 0x1000 * (q + 1) + 0x400), bar_w(0x2c, 0),
                bar_w(0x30, 0x1000 * (q + 1) + 0x800), bar_w(0x34, 0),
                bar_w(0x1a, q + 1, 2), bar_w(0x1c, 1, 2)]
    ops += [bar_w(0x14, 0xf, 1)]
    ops += [bar_w(0x3000 + 4 * q, q, 2) for q in range(3)]
    ops += [pci_op(3, 0, 0), pci_op(3, 0, 1 << 2 | 0), pci_op(3, 0, 1),
            bar_r(0x1000, 1), pci_op(3, 0, 2), bar_w(0x14, 0, 1)]
    return b"".join(ops)


PCI = {
    "linux-handshake": linux_handshake(),
    "bar-sizing": b"".join([cfg_w(0x10, 0xffffffff), cfg_r(0x10),
                            cfg_w(0x10, 0xd0000000), cfg_w(0x04, 2, 2),
                            bar_r(0x0), cfg_w(0x04, 0, 2)]),
    "enumerate": b"".join(pci_op(0, 5, 0, 0x80000000 | s << 11) +
                          pci_op(0, 4, 4) for s in range(0, 32, 3)),
    "cfg-window": b"".join([cfg_w(0x88, 0, 1), cfg_w(0x8c, 0x12),
                            cfg_w(0x90, 2), cfg_r(0x94)]),
}


def write(name, seeds):
    d = os.path.join(CORPUS, name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    for seed, data in seeds.items():
        assert len(data) < 4096, seed
        with open(os.path.join(d, seed), "wb") as f:
            f.write(data)
    print(f"{d}: {len(seeds)} seeds, {sum(map(len, seeds.values()))} bytes")


def main():
    write("hypercall", HYPERCALL)
    write("loader", LOADER)
    write("cli", CLI)
    write("pci", PCI)
    return 0


if __name__ == "__main__":
    sys.exit(main())

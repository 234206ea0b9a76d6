#!/usr/bin/env python3
"""make-seeds.py - writes the seed corpora tests/fuzz/corpus/{hypercall,loader,cli,
pci,virtqueue,virtio_blk,virtio_console,virtio_net,vmlinux}/.

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
# --- virtqueue and virtio_blk: see the input formats in fuzz_virtqueue.c and
# fuzz_virtio_blk.c. One layout for all: a queue of 8 in 4 KiB of RAM.

Q_DESC, Q_AVAIL, Q_USED, Q_IND, Q_HDR, Q_BUF, Q_STATUS = \
    0x000, 0x100, 0x200, 0x300, 0x400, 0x500, 0x800
F_NEXT, F_WRITE, F_INDIRECT = 1, 2, 4
EVENT_IDX, INDIRECT = 1, 2
# steps: fuzz_virtqueue 0 drain, 1 pop one, 2 notify?, 3 + n<<2 avail += n
DRAIN, HOLD, NOTIFY = 0, 1, 2


def add_avail(n):
    return 3 | (n << 2)


class Ram:
    def __init__(self, size=Q_STATUS + 16):
        self.b = bytearray(size)

    def put(self, gpa, data):
        self.b[gpa:gpa + len(data)] = data

    def desc(self, i, addr, length, flags=0, nxt=0, table=Q_DESC):
        self.put(table + 16 * i, struct.pack("<QIHH", addr & (2**64 - 1),
                                             length, flags, nxt))

    def offer(self, *heads, idx=None):
        for n, h in enumerate(heads):
            self.put(Q_AVAIL + 4 + 2 * n, u16(h))
        self.put(Q_AVAIL + 2, u16(len(heads) if idx is None else idx))


def vq_input(ram, steps=(DRAIN,), features=EVENT_IDX | INDIRECT, qsize=3,
             areas=(Q_DESC, Q_AVAIL, Q_USED)):
    steps = bytes(steps) + bytes(16 - len(steps))
    return bytes([qsize, features, 2]) + b"".join(map(u16, areas)) + steps \
        + bytes(ram.b)


def vq_seeds():
    seeds = {}
    r = Ram()
    r.desc(0, Q_HDR, 16, F_NEXT, 1)
    r.desc(1, Q_BUF, 512, F_WRITE | F_NEXT, 2)
    r.desc(2, Q_STATUS, 1, F_WRITE)
    r.offer(0)
    seeds["direct-chain"] = vq_input(r, (HOLD, NOTIFY, DRAIN, NOTIFY))
    r = Ram()
    r.desc(0, Q_IND, 48, F_INDIRECT)
    r.desc(0, Q_HDR, 16, F_NEXT, 1, table=Q_IND)
    r.desc(1, Q_BUF, 512, F_WRITE | F_NEXT, 2, table=Q_IND)
    r.desc(2, Q_STATUS, 1, F_WRITE, table=Q_IND)
    r.desc(3, Q_HDR, 8, F_NEXT, 4)
    r.desc(4, Q_IND, 48, F_INDIRECT)
    r.offer(0, 3)
    seeds["indirect-chains"] = vq_input(r, (DRAIN, NOTIFY, add_avail(1),
                                            DRAIN, NOTIFY))
    r = Ram()
    for i in range(8):
        r.desc(i, Q_BUF + 16 * i, 16, F_WRITE)
    r.offer(*range(8))
    r.put(Q_AVAIL + 4 + 16, u16(3))  # used_event
    seeds["full-queue-event-idx"] = vq_input(r, (HOLD, HOLD, DRAIN, NOTIFY,
                                                 add_avail(8), DRAIN, NOTIFY))
    seeds["full-queue-no-event-idx"] = vq_input(r, (DRAIN, NOTIFY),
                                                features=INDIRECT)
    bad = {}
    r = Ram()
    r.desc(0, Q_BUF, 1, F_NEXT, 1)
    r.desc(1, Q_BUF, 1, F_NEXT, 0)
    r.offer(0)
    bad["loop"] = r
    r = Ram()
    r.desc(0, Q_IND, 16, F_INDIRECT)
    r.desc(0, Q_IND + 0x40, 16, F_INDIRECT, table=Q_IND)
    r.offer(0)
    bad["indirect-in-indirect"] = r
    r = Ram()
    r.desc(0, Q_IND, 16, F_INDIRECT | F_NEXT, 1)
    r.offer(0)
    bad["indirect-with-next"] = r
    r = Ram()
    r.desc(0, Q_IND, 24, F_INDIRECT)
    r.offer(0)
    bad["indirect-length-24"] = r
    r = Ram()
    r.desc(0, 0xFF0, 0x20, F_WRITE)
    r.offer(0)
    bad["buffer-past-ram"] = r
    r = Ram()
    r.desc(0, -0x10, 0x20, F_WRITE)
    r.offer(0)
    bad["length-wraps"] = r
    r = Ram()
    r.desc(0, Q_BUF, 1)
    r.offer(0, idx=9)
    bad["avail-index-jumps"] = r
    r = Ram()
    r.offer(8)
    bad["head-out-of-range"] = r
    r = Ram()
    r.desc(0, Q_BUF, 1, F_WRITE | F_NEXT, 1)
    r.desc(1, Q_BUF, 1)
    r.offer(0)
    bad["readable-after-writable"] = r
    for name, ram in bad.items():
        seeds[name] = vq_input(ram)
    seeds["misaligned-descriptors"] = vq_input(Ram(), areas=(8, Q_AVAIL,
                                                             Q_USED))
    seeds["size-not-power-of-2"] = vq_input(Ram(), qsize=0x80 | 12)
    return seeds


# fuzz_virtio_blk: steps 0 kick, 1 + n<<2 avail += n and kick, 2 config
# read, 3 reset and activate again.
KICK, RESET = 0, 3
T_IN, T_OUT, T_FLUSH, T_GET_ID, T_DISCARD, T_WRITE_ZEROES = 0, 1, 4, 8, 11, 13
RO, ZEROES = 4, 8


def blk_input(ram, steps=(KICK,), flags=EVENT_IDX | INDIRECT, sectors=16):
    steps = bytes(steps) + bytes(8 - len(steps))
    return bytes([3, flags, 2]) + b"".join(map(u16, (Q_DESC, Q_AVAIL,
                                                     Q_USED))) \
        + bytes([sectors]) + steps + bytes(ram.b)


def blk_request(typ, sector, data=b"", nbytes=0, writable=True, head=0):
    """header, then nbytes of data in one buffer, then the status."""
    r = Ram()
    r.put(Q_HDR, struct.pack("<IIQ", typ, 0, sector))
    r.put(Q_BUF, data)
    i = 0
    r.desc(i, Q_HDR, 16, F_NEXT, 1)
    if nbytes:
        i += 1
        r.desc(i, Q_BUF, nbytes, (F_WRITE if writable else 0) | F_NEXT,
               i + 1)
    r.desc(i + 1, Q_STATUS, 1, F_WRITE)
    r.offer(head)
    return r


def blk_seeds():
    seeds = {
        "read": blk_input(blk_request(T_IN, 3, nbytes=1024)),
        "write": blk_input(blk_request(T_OUT, 2, b"\x42" * 512, 512, False)),
        "write-read-only": blk_input(blk_request(T_OUT, 2, b"\x42" * 512,
                                                 512, False),
                                     flags=EVENT_IDX | RO),
        "flush": blk_input(blk_request(T_FLUSH, 0)),
        "get-id": blk_input(blk_request(T_GET_ID, 0, nbytes=20)),
        "write-zeroes": blk_input(blk_request(
            T_WRITE_ZEROES, 0, struct.pack("<QII", 4, 2, 0), 16, False),
            flags=ZEROES),
        "discard": blk_input(blk_request(
            T_DISCARD, 0, struct.pack("<QII", 4, 2, 0), 16, False),
            flags=ZEROES),
        "read-past-end": blk_input(blk_request(T_IN, 15, nbytes=1024)),
        "read-sector-overflow": blk_input(blk_request(T_IN, 2**64 - 1,
                                                      nbytes=512)),
        "unknown-type": blk_input(blk_request(99, 0)),
        "read-with-readable-data": blk_input(blk_request(T_IN, 0, b"",
                                                         512, False)),
        "read-reset-read": blk_input(blk_request(T_IN, 0, nbytes=512),
                                     (KICK, RESET, KICK, 2 | (8 << 2))),
    }
    r = blk_request(T_IN, 0, nbytes=512)
    r.desc(2, Q_STATUS, 1, F_WRITE | F_NEXT, 1)
    seeds["looping-request"] = blk_input(r)
    r = Ram()
    r.put(Q_HDR, struct.pack("<IIQ", T_IN, 0, 1))
    r.desc(0, Q_IND, 48, F_INDIRECT)
    r.desc(0, Q_HDR, 16, F_NEXT, 1, table=Q_IND)
    r.desc(1, Q_BUF, 512, F_WRITE | F_NEXT, 2, table=Q_IND)
    r.desc(2, Q_STATUS, 1, F_WRITE, table=Q_IND)
    r.offer(0)
    seeds["indirect-read"] = blk_input(r, (KICK, 1 | (1 << 2)))
    return seeds


# fuzz_virtio_console: both queues of 8 in 2 KiB; steps (v & 7): 0 kick
# transmitq, 1 kick receiveq, 2 + n<<3 type n + 1 bytes, 3/4 + n<<3 avail
# += n and kick (transmitq/receiveq), 5 poll, 6 drain, 7 reset.
C_RXD, C_RXA, C_RXU, C_TXD, C_TXA, C_TXU, C_DATA = \
    0x000, 0x100, 0x140, 0x200, 0x300, 0x340, 0x400
C_TX, C_RX, C_POLL, C_DRAIN, C_RESET = 0, 1, 5, 6, 7
C_ESCAPE, C_SMALL = 4, 8


def c_type(n):
    return 2 | ((n - 1) << 3)


def con_input(ram, steps, flags=EVENT_IDX | INDIRECT):
    steps = bytes(steps) + bytes(16 - len(steps))
    return bytes([3, flags, 1]) + b"".join(map(u16, (
        C_RXD, C_RXA, C_RXU, C_TXD, C_TXA, C_TXU))) + steps + bytes(ram.b)


def con_offer(ram, avail, *heads):
    for n, h in enumerate(heads):
        ram.put(avail + 4 + 2 * n, u16(h))
    ram.put(avail + 2, u16(len(heads)))


def con_seeds():
    def ram():
        return Ram(2048)
    seeds = {}
    r = ram()
    r.put(C_DATA, b"hello from hvc0\n")
    r.desc(0, C_DATA, 16, table=C_TXD)
    con_offer(r, C_TXA, 0)
    seeds["transmit"] = con_input(r, (C_TX,))
    r.put(C_DATA, b"\x1b]0;title\x07\x1b[1mbold\n")
    seeds["transmit-escaped"] = con_input(r, (C_TX, C_DRAIN),
                                          EVENT_IDX | C_ESCAPE)
    r = ram()
    r.put(C_DATA, b"x" * 200)
    r.desc(0, C_DATA, 200, table=C_TXD)
    r.desc(1, C_DATA, 200, table=C_TXD)
    con_offer(r, C_TXA, 0, 1)
    seeds["transmit-stall"] = con_input(r, (C_TX, C_POLL, C_DRAIN, C_POLL,
                                            C_DRAIN, C_POLL),
                                        EVENT_IDX | C_SMALL)
    r = ram()
    r.desc(0, C_DATA, 8, F_WRITE, table=C_RXD)
    r.desc(1, C_DATA + 8, 64, F_WRITE, table=C_RXD)
    con_offer(r, C_RXA, 0, 1)
    seeds["receive"] = con_input(r, (c_type(12), C_RX, c_type(3), C_POLL))
    seeds["receive-before-buffers"] = con_input(
        ram(), (c_type(30), c_type(30), C_RX, C_POLL))
    r = ram()
    r.desc(0, C_DATA, 8, F_WRITE, table=C_TXD)
    con_offer(r, C_TXA, 0)
    seeds["writable-on-transmit"] = con_input(r, (C_TX, C_TX))
    r = ram()
    r.desc(0, C_DATA, 8, 0, table=C_RXD)
    con_offer(r, C_RXA, 0)
    seeds["readable-on-receive"] = con_input(r, (c_type(4), C_RX, C_RESET,
                                                 C_RX))
    r = ram()
    r.desc(0, C_DATA, 8, F_WRITE | F_NEXT, 0, table=C_RXD)
    con_offer(r, C_RXA, 0)
    seeds["receive-loop"] = con_input(r, (c_type(4),))
    r = ram()
    r.desc(0, 0x10000, 8, table=C_TXD)
    con_offer(r, C_TXA, 0)
    seeds["transmit-outside-ram"] = con_input(r, (C_TX,))
    r = ram()
    seeds["avail-jump"] = con_input(r, (3 | (9 << 3), 4 | (20 << 3)))
    return seeds


# fuzz_virtio_net: both queues of 8 in 4 KiB; steps (v & 7): 0 kick
# transmitq, 1 kick receiveq, 2 + k<<3 a frame of 65 k + 1 bytes (2115 k
# + 1 with offloads), 3/4 + n<<3 avail += n and kick, 5 poll, 6 (+8:
# gone) link, 7 reset; 28 seed bytes for the arriving frames (a vnet
# header's 12 first on a tap-like one), then the offloads accepted.
N_RXD, N_RXA, N_RXU, N_TXD, N_TXA, N_TXU, N_DATA = \
    0x000, 0x100, 0x140, 0x200, 0x300, 0x340, 0x400
N_TX, N_RX, N_POLL, N_GONE, N_BACK, N_RESET = 0, 1, 5, 6 | 8, 6, 7
N_MRG, N_VNET_HDR, N_SMALL_MTU, N_OFFLOADS, N_OFF_FAILS = 4, 8, 16, 32, 64
# the offloads byte: CSUM, GUEST_CSUM, GUEST_TSO4, GUEST_TSO6, GUEST_ECN,
# HOST_TSO4, HOST_TSO6, HOST_ECN
O_ALL, O_TX, O_RX = 0xff, 0xe1, 0x1e


def n_arrive(k):
    return 2 | (k << 3)


def net_input(ram, steps, flags=EVENT_IDX | INDIRECT, seed=bytes(28),
              off=0, ram_size=2):
    steps = bytes(steps) + bytes(16 - len(steps))
    seed = seed + bytes(28 - len(seed))
    return bytes([3, flags, ram_size]) + b"".join(map(u16, (
        N_RXD, N_RXA, N_RXU, N_TXD, N_TXA, N_TXU))) + steps + seed + \
        bytes([off]) + \
        bytes(ram.b).rstrip(b"\0")  # the harness reads zeros past the end


def vnet_hdr(flags, gso, hdr_len, gso_size, csum_start, csum_offset):
    return bytes([flags, gso]) + b"".join(map(u16, (
        hdr_len, gso_size, csum_start, csum_offset, 0)))


TSO4_HDR = vnet_hdr(1, 1, 54, 1448, 34, 16)
# a frame's first 16 bytes: MACs, then IPv4's ethertype
IPV4_START = bytes(6) + bytes([2, 0, 0, 0, 0, 1, 8, 0, 0x45, 0])


def net_seeds():
    def ram():
        return Ram(4096)
    seeds = {}
    r = ram()
    r.put(N_DATA + 12, bytes(range(60)))
    r.desc(0, N_DATA, 12, F_NEXT, 1, table=N_TXD)
    r.desc(1, N_DATA + 12, 60, table=N_TXD)
    con_offer(r, N_TXA, 0)
    seeds["transmit"] = net_input(r, (N_TX,))
    seeds["transmit-link-down"] = net_input(r, (N_GONE, N_TX, N_BACK))
    r = ram()
    r.desc(0, N_DATA, 72, table=N_TXD)
    con_offer(r, N_TXA, 0)
    seeds["transmit-one-buffer"] = net_input(r, (N_TX,))
    r.put(N_DATA + 1, b"\x04")
    seeds["transmit-bad-gso"] = net_input(r, (N_TX,))
    r = ram()
    r.desc(0, N_DATA, 2000, table=N_TXD)
    con_offer(r, N_TXA, 0)
    seeds["transmit-too-long"] = net_input(r, (N_TX,))
    seeds["transmit-small-mtu"] = net_input(r, (N_TX,), N_SMALL_MTU)
    r = ram()
    r.desc(0, N_DATA, 1600, F_WRITE, table=N_RXD)
    con_offer(r, N_RXA, 0)
    seeds["receive"] = net_input(r, (n_arrive(1), N_RX))
    seeds["receive-too-long"] = net_input(r, (n_arrive(31), n_arrive(2),
                                              N_POLL))
    seeds["receive-vnet-header"] = net_input(
        r, (n_arrive(1), N_RX), EVENT_IDX | N_VNET_HDR,
        bytes([0, 4]) + bytes(14))
    r = ram()
    for i in range(3):
        r.desc(i, N_DATA + 0x100 * i, 40, F_WRITE, table=N_RXD)
    con_offer(r, N_RXA, 0, 1, 2)
    seeds["receive-merged"] = net_input(r, (n_arrive(1), N_RX, n_arrive(2),
                                            N_RX, N_RESET, N_RX),
                                        EVENT_IDX | N_MRG)
    seeds["receive-unmerged-small"] = net_input(r, (n_arrive(1), N_RX))
    r = ram()
    r.desc(0, N_DATA, 8, F_WRITE, table=N_TXD)
    con_offer(r, N_TXA, 0)
    seeds["writable-on-transmit"] = net_input(r, (N_TX, N_TX))
    r = ram()
    r.desc(0, N_DATA, 64, 0, table=N_RXD)
    con_offer(r, N_RXA, 0)
    seeds["readable-on-receive"] = net_input(r, (n_arrive(1), N_RX,
                                                 N_RESET, N_RX))
    r = ram()
    r.desc(0, 0x10000, 64, F_WRITE, table=N_RXD)
    con_offer(r, N_RXA, 0)
    seeds["receive-outside-ram"] = net_input(r, (n_arrive(1), N_POLL))
    net_offload_seeds(seeds)
    return seeds


def net_offload_seeds(seeds):
    tap = EVENT_IDX | INDIRECT | N_VNET_HDR | N_OFFLOADS
    # a TSO4 frame of 3000 bytes from the guest
    r = Ram(4096)
    r.put(N_DATA, TSO4_HDR + IPV4_START)
    r.desc(0, N_DATA, 12 + 3000, table=N_TXD)
    con_offer(r, N_TXA, 0)
    seeds["transmit-tso4"] = net_input(r, (N_TX,), tap, off=O_TX)
    seeds["transmit-tso4-not-negotiated"] = net_input(r, (N_TX,), tap,
                                                      off=O_TX & ~0x20)
    r.put(N_DATA + 1, b"\x81")  # with ECN: taken only with HOST_ECN
    seeds["transmit-tso4-ecn"] = net_input(r, (N_TX,), tap, off=O_TX)
    seeds["transmit-tso4-ecn-not-negotiated"] = net_input(
        r, (N_TX,), tap, off=O_TX & ~0x80)
    r = Ram(4096)
    r.put(N_DATA, vnet_hdr(1, 4, 74, 1428, 54, 16) + IPV4_START[:12] +
          b"\x86\xdd")
    r.desc(0, N_DATA, 12 + 3000, table=N_TXD)
    con_offer(r, N_TXA, 0)
    seeds["transmit-tso6"] = net_input(r, (N_TX,), tap, off=O_TX)
    # 64 KiB: an indirect table of the header and 10 times 6554 bytes
    r = Ram(16384)
    r.put(0x600, TSO4_HDR)
    r.put(0x700, IPV4_START)
    r.desc(0, 0x500, 16 * 11, F_INDIRECT, table=N_TXD)
    r.desc(0, 0x600, 12, F_NEXT, 1, table=0x500)
    for i in range(1, 11):
        r.desc(i, 0x700, 6554, F_NEXT if i < 10 else 0, i + 1, table=0x500)
    con_offer(r, N_TXA, 0)
    seeds["transmit-tso4-64k"] = net_input(r, (N_TX,), tap, off=O_ALL,
                                           ram_size=4)
    # frames from the tap: TSO4 with DATA_VALID into one big buffer, and
    # merged across four; a pending one through a reset
    rx_hdr = vnet_hdr(2, 1, 54, 1448, 0, 0)
    r = Ram(16384)
    r.desc(0, 0x1000, 0x3000, F_WRITE, table=N_RXD)
    con_offer(r, N_RXA, 0)
    seeds["receive-tso4"] = net_input(r, (n_arrive(4), N_RX), tap,
                                      rx_hdr + IPV4_START, O_RX, 4)
    r = Ram(16384)
    for i in range(4):
        r.desc(i, 0x1000 + 0x800 * i, 0x800, F_WRITE, table=N_RXD)
    con_offer(r, N_RXA, 0, 1, 2, 3)
    seeds["receive-tso4-merged"] = net_input(
        r, (n_arrive(3), N_RX), tap | N_MRG, rx_hdr + IPV4_START, O_RX, 4)
    # no buffer: the frame would wait, where the model looks at it
    seeds["receive-tso4-ecn-not-negotiated"] = net_input(
        Ram(4096), (n_arrive(3), N_RX), tap,
        vnet_hdr(2, 0x81, 54, 1448, 0, 0) + IPV4_START, O_RX & ~0x10)
    seeds["receive-tso4-pending-reset"] = net_input(
        Ram(4096), (n_arrive(3), N_RX, N_RESET, N_RX), tap,
        rx_hdr + IPV4_START, O_RX)
    seeds["offloads-refused"] = net_input(Ram(4096), (N_RESET, N_TX),
                                          tap | N_OFF_FAILS, off=O_ALL)


# --- vmlinux: see the input format in fuzz_vmlinux.c ----------------------

def vmlinux(entry_note=True, desc=8):
    """A small vmlinux: two PT_LOADs (the second at vaddr 0, as Linux's
    percpu segment), a PT_NOTE with a GNU note and the PVH note."""
    def note(name, typ, value):
        n = name.encode() + b"\0"
        return u32(len(n)) + u32(len(value)) + u32(typ) + \
            n.ljust((len(n) + 3) & ~3, b"\0") + \
            value.ljust((len(value) + 3) & ~3, b"\0")
    notes = note("GNU", 3, u64(0x1122334455667788))
    if entry_note:
        notes += note("Xen", 18, u64(0x200010)[:desc])
    text_off, pcpu_off, note_off = 0x200, 0x240, 0xe8
    ph = [(1, text_off, 0xffffffff80200000, 0x200000, 0x40, 0x2000),
          (1, pcpu_off, 0, 0x210000, 0x20, 0x20),
          (4, note_off, 0, 0, len(notes), len(notes))]
    eh = b"\x7fELF\x02\x01\x01" + bytes(9) + u16(2) + u16(62) + u32(1) + \
        u64(0x200000) + u64(64) + u64(0) + u32(0) + u16(64) + u16(56) + \
        u16(len(ph)) + u16(64) + u16(0) + u16(0)
    body = eh + b"".join(u32(t) + u32(5) + u64(o) + u64(v) + u64(p) +
                         u64(fs) + u64(ms) + u64(0x1000)
                         for t, o, v, p, fs, ms in ph)
    body = body.ljust(note_off, b"\0") + notes
    body = body.ljust(text_off, b"\0") + bytes(range(0x40, 0x80))
    return body.ljust(pcpu_off, b"\0") + b"\x5c" * 0x20


def bzimage_with(payload, trailer):
    """A protocol 2.15 bzImage whose payload (at 0x100 past the setup)
    is payload and its 4-byte size trailer."""
    setup = 5 * 512
    bz = bytearray(setup + 0x100)
    bz[0x1f1] = 4
    bz[0x1fe:0x200] = b"\x55\xaa"
    bz[0x201] = 0x66
    bz[0x202:0x206] = b"HdrS"
    bz[0x206:0x208] = u16(0x020f)
    bz[0x211] = 1
    bz[0x22c:0x230] = u32(0x7fffffff)
    bz[0x238:0x23c] = u32(2047)
    bz[0x248:0x24c] = u32(0x100)
    bz[0x24c:0x250] = u32(len(payload) + 4)
    bz[0x258:0x25c] = u32(0x1000000)
    bz[0x260:0x264] = u32(0x1000000)
    return bytes(bz) + payload + u32(trailer) + bytes(16)


def vmlinux_seeds():
    import gzip
    import lzma
    elf = vmlinux()
    ram8m, with_initrd = bytes([31]), bytes([0x12])
    xz = lzma.compress(elf, format=lzma.FORMAT_XZ, check=lzma.CHECK_CRC32,
                       filters=[{"id": lzma.FILTER_X86},
                                {"id": lzma.FILTER_LZMA2, "preset": 6}])
    gz = gzip.compress(elf, mtime=0)
    return {
        "vmlinux-pvh": ram8m + with_initrd + elf,
        "vmlinux-pvh-4-byte-note": ram8m + bytes([0]) + vmlinux(desc=4),
        "vmlinux-no-note": ram8m + bytes([0]) + vmlinux(entry_note=False),
        "vmlinux-small-ram": bytes([3]) + bytes([0]) + elf,
        "bzimage-xz-x86-bcj": ram8m + with_initrd +
        bzimage_with(xz, len(elf)),
        "bzimage-gzip": ram8m + bytes([0]) + bzimage_with(gz, len(elf)),
        "bzimage-xz-wrong-size": ram8m + bytes([0]) +
        bzimage_with(xz, len(elf) - 1),
        "bzimage-lz4": ram8m + bytes([0]) +
        bzimage_with(b"\x02\x21\x4c\x18" + bytes(60), len(elf)),
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
    write("virtqueue", vq_seeds())
    write("virtio_blk", blk_seeds())
    write("virtio_console", con_seeds())
    write("virtio_net", net_seeds())
    write("vmlinux", vmlinux_seeds())
    return 0


if __name__ == "__main__":
    sys.exit(main())

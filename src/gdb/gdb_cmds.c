/* gdb_cmds.c - what the gdb stub answers to each command: registers,
 * memory, breakpoints, the target description and resuming. */
#include "gdb_cmds.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "gdb_conn.h"
#include "gdb_regs.h"
#include "gdb_target.h"
#include "vm.h"

static int read_cpu(struct gdbstub *gs, struct gdb_cpu *cpu)
{
	if (vcpu_get_regs(gs->vcpu, &cpu->regs, NULL) ||
	    vcpu_get_sregs(gs->vcpu, &cpu->sregs, NULL) ||
	    vcpu_get_xsave(gs->vcpu, &cpu->xsave, NULL))
		return -1;
	return 0;
}

static int write_cpu(struct gdbstub *gs, const struct gdb_cpu *cpu)
{
	if (vcpu_set_regs(gs->vcpu, &cpu->regs, NULL) ||
	    vcpu_set_xsave(gs->vcpu, &cpu->xsave, NULL))
		return -1;
	return 0;
}

static int cmd_read_registers(struct gdbstub *gs)
{
	uint8_t block[GDB_REGS_MAX_BYTES];
	struct gdb_cpu cpu;

	if (read_cpu(gs, &cpu))
		return gdb_reply_error(gs, EIO);
	gdb_regs_to_block(gs->long_mode, &cpu, block);
	rsp_hex_encode(gs->reply, block, gdb_regs_block_size(gs->long_mode));
	return gdb_reply(gs, gs->reply);
}

static int cmd_write_registers(struct gdbstub *gs, const char *hex)
{
	size_t size = gdb_regs_block_size(gs->long_mode);
	uint8_t block[GDB_REGS_MAX_BYTES];
	struct gdb_cpu cpu;

	if (strlen(hex) != 2 * size || rsp_hex_decode(hex, block, size))
		return gdb_reply_error(gs, EINVAL);
	if (read_cpu(gs, &cpu))
		return gdb_reply_error(gs, EIO);
	gdb_regs_from_block(gs->long_mode, block, &cpu);
	return write_cpu(gs, &cpu) ? gdb_reply_error(gs, EIO)
				   : gdb_reply(gs, "OK");
}

/* p NUM and P NUM=VALUE: one register, through the whole block. */
static int cmd_register(struct gdbstub *gs, const char *args, int write)
{
	uint8_t block[GDB_REGS_MAX_BYTES];
	struct gdb_cpu cpu;
	size_t off, size;
	uint64_t num;

	if (rsp_parse_hex(&args, &num) || num > INT32_MAX ||
	    gdb_regs_slot(gs->long_mode, (int)num, &off, &size) ||
	    (write && *args++ != '=') || (!write && *args))
		return gdb_reply_error(gs, EINVAL);
	if (read_cpu(gs, &cpu))
		return gdb_reply_error(gs, EIO);
	gdb_regs_to_block(gs->long_mode, &cpu, block);
	if (!write) {
		rsp_hex_encode(gs->reply, block + off, size);
		return gdb_reply(gs, gs->reply);
	}
	if (strlen(args) != 2 * size || rsp_hex_decode(args, block + off, size))
		return gdb_reply_error(gs, EINVAL);
	gdb_regs_from_block(gs->long_mode, block, &cpu);
	return write_cpu(gs, &cpu) ? gdb_reply_error(gs, EIO)
				   : gdb_reply(gs, "OK");
}

/* "ADDR,LEN" then the separator sep (or the end of the text when 0). */
static int parse_addr_len(const char **args, uint64_t *addr, uint64_t *len,
			  char sep)
{
	const char *s = *args;

	if (rsp_parse_hex(&s, addr) || *s++ != ',' || rsp_parse_hex(&s, len))
		return -1;
	if (sep ? *s++ != sep : *s != '\0')
		return -1;
	*args = s;
	return 0;
}

static int cmd_read_memory(struct gdbstub *gs, const char *args)
{
	uint8_t data[RSP_PACKET_MAX / 2];
	uint64_t addr, len;
	size_t got;

	if (parse_addr_len(&args, &addr, &len, 0))
		return gdb_reply_error(gs, EINVAL);
	if (len > sizeof(data)) /* a short answer is allowed */
		len = sizeof(data);
	got = gdbt_access(gs, addr, data, len, 0);
	if (!got && len)
		return gdb_reply_error(gs, EFAULT);
	rsp_hex_encode(gs->reply, data, got);
	return gdb_reply(gs, gs->reply);
}

/* M ADDR,LEN:HEX and X ADDR,LEN:BINARY. All or nothing is promised only
 * per page: a write that runs into an unmapped page fails there. */
static int cmd_write_memory(struct gdbstub *gs, char *args, size_t args_len,
			    int binary)
{
	uint8_t data[RSP_PACKET_MAX];
	const char *s = args;
	uint64_t addr, len;
	size_t data_len;
	long n;

	if (parse_addr_len(&s, &addr, &len, ':') || len > sizeof(data))
		return gdb_reply_error(gs, EINVAL);
	data_len = args_len - (size_t)(s - args);
	if (binary) {
		memcpy(data, s, data_len);
		n = rsp_unescape(data, data_len);
		if (n < 0 || (uint64_t)n != len)
			return gdb_reply_error(gs, EINVAL);
	} else if (data_len != 2 * len || rsp_hex_decode(s, data, len)) {
		return gdb_reply_error(gs, EINVAL);
	}
	if (gdbt_access(gs, addr, data, len, 1) != len)
		return gdb_reply_error(gs, EFAULT);
	return gdb_reply(gs, "OK");
}

/* Z TYPE,ADDR,KIND and z TYPE,ADDR,KIND (conditions after ';' ignored). */
static int cmd_breakpoint(struct gdbstub *gs, const char *args, int insert)
{
	uint64_t type, addr, kind;
	const char *s = args;
	int ret;

	if (rsp_parse_hex(&s, &type) || *s++ != ',' ||
	    rsp_parse_hex(&s, &addr) || *s++ != ',' ||
	    rsp_parse_hex(&s, &kind) || (*s != '\0' && *s != ';'))
		return gdb_reply_error(gs, EINVAL);
	/* An unsupported kind: say so with the empty reply, not an error. */
	if (type > 4)
		return gdb_reply(gs, "");
	ret = gdbt_breakpoint(gs, (int)type, addr, kind, insert);
	return ret ? gdb_reply_error(gs, -ret) : gdb_reply(gs, "OK");
}

/* --- threads: vCPU index i is gdb's thread i + 1 ------------------- */

unsigned gdb_cpu_index(const struct gdbstub *gs)
{
	for (unsigned i = 0; i < gs->cpus.n; i++)
		if (gs->cpus.vcpu[i] == gs->vcpu)
			return i;
	return 0;
}

/* A thread id as gdb writes it: hex, or -1 (all), 0 (any). 0 with *id,
 * or -1 when it is neither or names no vCPU. */
static int parse_thread_id(const struct gdbstub *gs, const char *s, long *id)
{
	uint64_t v;

	if (!strcmp(s, "-1")) {
		*id = -1;
		return 0;
	}
	if (rsp_parse_hex(&s, &v) || *s || v > gs->cpus.n)
		return -1;
	*id = (long)v;
	return 0;
}

/* Hg ID picks the vCPU whose registers and page tables gdb reads next,
 * Hc ID the one that s and c resume (0 and -1: gdb's current one). */
static int cmd_set_thread(struct gdbstub *gs, const char *args)
{
	long id;

	if ((args[0] != 'g' && args[0] != 'c') ||
	    parse_thread_id(gs, args + 1, &id))
		return gdb_reply_error(gs, EINVAL);
	if (args[0] == 'g' && id > 0)
		gs->vcpu = gs->cpus.vcpu[id - 1];
	if (args[0] == 'c') {
		gs->hc_any = id <= 0;
		if (id > 0)
			gs->step_cpu = (unsigned)(id - 1);
	}
	return gdb_reply(gs, "OK");
}

/* T ID: whether the thread is alive; every vCPU is, for the whole run. */
static int cmd_thread_alive(struct gdbstub *gs, const char *args)
{
	long id;

	if (parse_thread_id(gs, args, &id) || id <= 0)
		return gdb_reply_error(gs, ENOENT);
	return gdb_reply(gs, "OK");
}

static int cmd_thread_list(struct gdbstub *gs)
{
	size_t at = 0;

	gs->reply[at++] = 'm';
	for (unsigned i = 0; i < gs->cpus.n; i++)
		at += (size_t)snprintf(gs->reply + at, sizeof(gs->reply) - at,
				       "%s%x", i ? "," : "", i + 1);
	return gdb_reply(gs, gs->reply);
}

/* qThreadExtraInfo,ID: "vCPU N", which info threads shows beside it. */
static int cmd_thread_info(struct gdbstub *gs, const char *args)
{
	char text[32];
	long id;

	if (parse_thread_id(gs, args, &id) || id <= 0)
		return gdb_reply_error(gs, ENOENT);
	snprintf(text, sizeof(text), "vCPU %ld", id - 1);
	rsp_hex_encode(gs->reply, text, strlen(text));
	return gdb_reply(gs, gs->reply);
}

/* qXfer:features:read:ANNEX:OFFSET,LENGTH */
static int cmd_read_features(struct gdbstub *gs, const char *args)
{
	const char *xml = gdb_regs_target_xml(gs->long_mode);
	size_t size = strlen(xml);
	uint64_t off, len;

	if (strncmp(args, "target.xml:", 11))
		return gdb_reply_error(gs, ENOENT);
	args += 11;
	if (parse_addr_len(&args, &off, &len, 0))
		return gdb_reply_error(gs, EINVAL);
	if (off > size)
		return gdb_reply_error(gs, EINVAL);
	if (len > RSP_PACKET_MAX - 1)
		len = RSP_PACKET_MAX - 1;
	if (len > size - off)
		len = size - off;
	gs->reply[0] = off + len < size ? 'm' : 'l';
	memcpy(gs->reply + 1, xml + off, len);
	return gdb_send_packet(gs, gs->reply, len + 1);
}

static int cmd_query(struct gdbstub *gs, const char *pkt)
{
	char text[80];

	if (!strncmp(pkt, "qSupported", 10)) {
		snprintf(text, sizeof(text),
			 "PacketSize=%x;qXfer:features:read+;swbreak+;"
			 "hwbreak+",
			 RSP_PACKET_MAX);
		return gdb_reply(gs, text);
	}
	if (!strncmp(pkt, "qXfer:features:read:", 20))
		return cmd_read_features(gs, pkt + 20);
	if (!strcmp(pkt, "qAttached"))
		return gdb_reply(gs, "1"); /* gdb's quit detaches, not kills */
	if (!strcmp(pkt, "qfThreadInfo"))
		return cmd_thread_list(gs);
	if (!strcmp(pkt, "qsThreadInfo"))
		return gdb_reply(gs, "l"); /* all of them came in the first */
	if (!strcmp(pkt, "qC")) {
		snprintf(text, sizeof(text), "QC%x", gdb_cpu_index(gs) + 1);
		return gdb_reply(gs, text);
	}
	if (!strncmp(pkt, "qThreadExtraInfo,", 17))
		return cmd_thread_info(gs, pkt + 17);
	return gdb_reply(gs, ""); /* unknown: the protocol's "unsupported" */
}

/* c [ADDR], s [ADDR], and C/S SIG[;ADDR] (the signal is not delivered:
 * a guest has no signals). s steps Hc's vCPU alone; c runs them all. */
static enum gdb_cmd_result cmd_resume(struct gdbstub *gs, const char *pkt)
{
	const char *s = pkt + 1;
	struct kvm_regs regs;
	struct vcpu *target;
	uint64_t addr, sig;

	if ((*pkt == 'C' || *pkt == 'S') &&
	    (rsp_parse_hex(&s, &sig) || (*s && *s++ != ';')))
		return gdb_reply_error(gs, EINVAL), CMD_STAY;
	if (gs->hc_any) /* gdb means the thread it looks at */
		gs->step_cpu = gdb_cpu_index(gs);
	target = gs->cpus.vcpu[gs->step_cpu];
	if (*s) {
		if (rsp_parse_hex(&s, &addr) || *s ||
		    vcpu_get_regs(target, &regs, NULL))
			return gdb_reply_error(gs, EINVAL), CMD_STAY;
		regs.rip = addr;
		if (vcpu_set_regs(target, &regs, NULL))
			return gdb_reply_error(gs, EIO), CMD_STAY;
	}
	gs->stepping = *pkt == 's' || *pkt == 'S';
	gs->watch_stepping = gdbt_snapshot_watches(gs);
	if (gdbt_apply_debug(gs, 1))
		return gdb_reply_error(gs, EIO), CMD_STAY;
	return CMD_RESUME;
}

enum gdb_cmd_result gdb_dispatch(struct gdbstub *gs, char *pkt, size_t len)
{
	switch (pkt[0]) {
	case '?':
		gdb_reply(gs, gs->stop_reply);
		return CMD_STAY;
	case 'g':
		cmd_read_registers(gs);
		return CMD_STAY;
	case 'G':
		cmd_write_registers(gs, pkt + 1);
		return CMD_STAY;
	case 'p':
	case 'P':
		cmd_register(gs, pkt + 1, pkt[0] == 'P');
		return CMD_STAY;
	case 'm':
		cmd_read_memory(gs, pkt + 1);
		return CMD_STAY;
	case 'M':
	case 'X':
		cmd_write_memory(gs, pkt + 1, len - 1, pkt[0] == 'X');
		return CMD_STAY;
	case 'Z':
	case 'z':
		cmd_breakpoint(gs, pkt + 1, pkt[0] == 'Z');
		return CMD_STAY;
	case 'c':
	case 's':
	case 'C':
	case 'S':
		return cmd_resume(gs, pkt);
	case 'D':
		gdb_reply(gs, "OK");
		return CMD_DETACH;
	case 'k':
		return CMD_KILL; /* gdb expects no reply */
	case 'H':
		cmd_set_thread(gs, pkt + 1);
		return CMD_STAY;
	case 'T':
		cmd_thread_alive(gs, pkt + 1);
		return CMD_STAY;
	case 'q':
		cmd_query(gs, pkt);
		return CMD_STAY;
	}
	gdb_reply(gs, ""); /* unknown, vCont? and v-packets included */
	return CMD_STAY;
}

/* gdb_client.c - a tiny raw GDB remote client for the stub's bad-input
 * tests: sends what a script says, byte for byte, and prints the answers.
 *
 * Usage: gdb-client ADDRESS < SCRIPT, ADDRESS being PORT (127.0.0.1) or
 * unix:PATH. Each script line is one step:
 *   pkt PAYLOAD    frame PAYLOAD as $PAYLOAD#cs, send it, print the ack and
 *                  the reply packet as "+ reply: TEXT"
 *   raw BYTES      send BYTES as they are (\xHH escapes allowed), then print
 *                  every byte that comes back within 300 ms as "got: TEXT"
 *   long N         send a well-formed packet of N 'm' bytes, as pkt does
 *   wait MS        sleep
 *   read           print what comes back within 2 s ("got: ...")
 *   flood N        send $g#67 and then N NAKs ('-'), reading nothing: each
 *                  NAK asks for the register block again
 *   http P1 P2...  send what a web page's fetch() POST would: an HTTP
 *                  request whose body is the packets P1 P2... framed; then
 *                  print what comes back within 2 s ("got: ...")
 * Non-printable bytes print as \xHH. Exits 0 unless the connection fails.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <time.h>
#include <unistd.h>

static int connect_to(const char *addr)
{
	int fd;

	if (!strncmp(addr, "unix:", 5)) {
		struct sockaddr_un sa = {.sun_family = AF_UNIX};

		snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", addr + 5);
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
			return -1;
		return fd;
	}
	struct sockaddr_in sa = {.sin_family = AF_INET,
				 .sin_port = htons((uint16_t)atoi(addr)),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};

	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
		return -1;
	return fd;
}

/* Whether out holds a whole packet: '$', then '#' and two digits. */
static int has_packet(const char *out, size_t len)
{
	const char *start = memchr(out, '$', len), *end;

	if (!start)
		return 0;
	end = memchr(start, '#', len - (size_t)(start - out));
	return end && (size_t)(end - out) + 3 <= len;
}

/* Appends what arrives within ms milliseconds (until 300 ms quiet, or
 * with packet set until a whole reply packet is in) to out. */
static size_t collect(int fd, int ms, char *out, size_t cap, int packet)
{
	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	size_t len = 0;

	while (len + 1 < cap && !(packet && has_packet(out, len)) &&
	       poll(&pfd, 1, ms) > 0) {
		ssize_t n = recv(fd, out + len, cap - 1 - len, 0);

		if (n <= 0) {
			if (!len)
				return (size_t)-1;
			break;
		}
		len += (size_t)n;
		ms = ms < 300 ? ms : 300;
	}
	out[len] = '\0';
	return len;
}

static void print_bytes(const char *what, const char *p, size_t len)
{
	printf("%s", what);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c >= 0x20 && c < 0x7f && c != '\\')
			putchar(c);
		else
			printf("\\x%02x", c);
	}
	putchar('\n');
	fflush(stdout);
}

static size_t unescape(const char *in, char *out)
{
	size_t n = 0;

	while (*in) {
		if (in[0] == '\\' && in[1] == 'x' && in[2] && in[3]) {
			char hex[3] = {in[2], in[3], 0};

			out[n++] = (char)strtol(hex, NULL, 16);
			in += 4;
		} else {
			out[n++] = *in++;
		}
	}
	return n;
}

/* $payload#cs at out (cap bytes at least len + 5); returns its length. */
static size_t frame_packet(char *out, const char *payload, size_t len)
{
	unsigned char sum = 0;

	out[0] = '$';
	memcpy(out + 1, payload, len);
	for (size_t i = 0; i < len; i++)
		sum += (unsigned char)payload[i];
	snprintf(out + 1 + len, 4, "#%02x", sum);
	return len + 4;
}

/* The request a browser sends for fetch(url, {method: "POST", mode:
 * "no-cors", body}), with the space-separated packets framed as body. */
static int send_http(int fd, char *packets)
{
	static char body[1 << 15], req[1 << 16];
	size_t len = 0;
	int n;

	for (char *p = strtok(packets, " "); p; p = strtok(NULL, " ")) {
		if (len + strlen(p) + 5 > sizeof(body))
			return -1;
		len += frame_packet(body + len, p, strlen(p));
	}
	n = snprintf(req, sizeof(req),
		     "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n"
		     "Content-Type: text/plain;charset=UTF-8\r\n"
		     "Origin: http://example.com\r\n"
		     "Content-Length: %zu\r\n\r\n%.*s",
		     len, (int)len, body);
	if (n < 0 || (size_t)n >= sizeof(req))
		return -1;
	return send(fd, req, (size_t)n, MSG_NOSIGNAL) < 0 ? -1 : 0;
}

/* Frames and sends one packet; prints the ack and the reply packet. */
static int send_packet(int fd, const char *payload, size_t len)
{
	static char frame[1 << 17], in[1 << 17];
	size_t n;

	if (len + 5 > sizeof(frame))
		return -1;
	n = frame_packet(frame, payload, len);
	if (send(fd, frame, n, MSG_NOSIGNAL) < 0)
		return -1;
	n = collect(fd, 2000, in, sizeof(in), 1);
	if (n == (size_t)-1)
		return -1;
	/* ack our reply: the stub waits for nothing, but be a good client */
	if (n > 1 && in[1] == '$')
		send(fd, "+", 1, MSG_NOSIGNAL);
	print_bytes("", in, n);
	return 0;
}

int main(int argc, char **argv)
{
	static char line[1 << 16], buf[1 << 17];
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: gdb-client PORT|unix:PATH < SCRIPT\n");
		return 2;
	}
	fd = connect_to(argv[1]);
	if (fd < 0) {
		fprintf(stderr, "gdb-client: %s: %s\n", argv[1],
			strerror(errno));
		return 1;
	}
	while (fgets(line, sizeof(line), stdin)) {
		size_t n;

		line[strcspn(line, "\n")] = '\0';
		if (!strncmp(line, "pkt ", 4)) {
			if (send_packet(fd, line + 4, strlen(line + 4)))
				goto gone;
		} else if (!strncmp(line, "long ", 5)) {
			n = (size_t)atol(line + 5);
			if (n > sizeof(buf))
				n = sizeof(buf);
			memset(buf, 'm', n);
			if (send_packet(fd, buf, n))
				goto gone;
		} else if (!strncmp(line, "raw ", 4)) {
			n = unescape(line + 4, buf);
			if (send(fd, buf, n, MSG_NOSIGNAL) < 0)
				goto gone;
			n = collect(fd, 300, buf, sizeof(buf), 0);
			if (n == (size_t)-1)
				goto gone;
			print_bytes("got: ", buf, n);
		} else if (!strncmp(line, "wait ", 5)) {
			long ms = atol(line + 5);
			struct timespec ts = {ms / 1000, ms % 1000 * 1000000L};

			nanosleep(&ts, NULL);
		} else if (!strncmp(line, "flood ", 6)) {
			n = (size_t)atol(line + 6);
			if (n > sizeof(buf) - 5)
				n = sizeof(buf) - 5;
			memcpy(buf, "$g#67", 5);
			memset(buf + 5, '-', n);
			if (send(fd, buf, n + 5, MSG_NOSIGNAL) < 0)
				goto gone;
		} else if (!strncmp(line, "http ", 5)) {
			if (send_http(fd, line + 5))
				goto gone;
			n = collect(fd, 2000, buf, sizeof(buf), 0);
			if (n == (size_t)-1)
				goto gone;
			print_bytes("got: ", buf, n);
		} else if (!strcmp(line, "read")) {
			n = collect(fd, 2000, buf, sizeof(buf), 0);
			if (n == (size_t)-1)
				goto gone;
			print_bytes("got: ", buf, n);
		}
	}
	close(fd);
	return 0;
gone:
	printf("connection closed\n");
	return 0;
}

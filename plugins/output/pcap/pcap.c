/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * output/pcap - the logged packets to a pcap file, as raw IP or as NFLOG
 *
 * Consumes raw.pkt (the packet from its network header) and the NFLOG
 * metadata around it, and appends one pcap record per packet to `file`:
 *   linktype=raw    LINKTYPE_RAW (101): the IPv4 or IPv6 packet alone;
 *                   other families (bridge ARP...) are skipped and counted.
 *   linktype=nflog  LINKTYPE_NFLOG (239): the packet wrapped in the TLVs
 *                   nfnetlink_log uses (prefix, mark, interfaces, uid/gid,
 *                   hook, hardware header), with `group` as resource id, as
 *                   tcpdump -i nflog:N would have captured it.
 * The original length is taken from the IP header when the kernel copied
 * less (copy range), so readers show the truncation.
 *
 * The file is written in the classic pcap format (microseconds, this
 * host's byte order), by hand: no libpcap needed. A new or empty file gets
 * the file header first; an existing file is appended to only when its
 * header has the same magic and linktype (else start fails, and a reopen
 * keeps writing the old file). One write(2) per batch and SIGHUP reopen
 * come from filebuf.c. Main thread only.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <nfpipe/plugin.h>

#include "../logemu/filebuf.h"
#include "pcapfmt.h"

#ifndef LOCALSTATEDIR
#define LOCALSTATEDIR "/var"
#endif

enum {
	PI_PKT, PI_PKTLEN, PI_FAMILY, PI_PROTOCOL, PI_SEC, PI_USEC,
	PI_PREFIX, PI_MARK, PI_IFI_IN, PI_IFI_OUT, PI_UID, PI_GID, PI_HOOK,
	PI_MAC, PI_HWTYPE,
};

static const struct nfp_key pcap_in[] = {
	[PI_PKT] = { "raw.pkt", NFP_T_RAW, 0, "the packet" },
	[PI_PKTLEN] = { "raw.pktlen", NFP_T_U32, NFP_KEYF_OPTIONAL,
			"bytes of it" },
	[PI_FAMILY] = { "oob.family", NFP_T_U8, NFP_KEYF_OPTIONAL,
			"AF_INET, AF_INET6, AF_BRIDGE" },
	[PI_PROTOCOL] = { "oob.protocol", NFP_T_U16, NFP_KEYF_OPTIONAL,
			  "ethertype (nflog)" },
	[PI_SEC] = { "oob.time.sec", NFP_T_U32, NFP_KEYF_OPTIONAL,
		     "packet time" },
	[PI_USEC] = { "oob.time.usec", NFP_T_U32, NFP_KEYF_OPTIONAL,
		      "packet time, microseconds" },
	[PI_PREFIX] = { "oob.prefix", NFP_T_STRING, NFP_KEYF_OPTIONAL,
			"log prefix (nflog)" },
	[PI_MARK] = { "oob.mark", NFP_T_U32, NFP_KEYF_OPTIONAL,
		      "packet mark (nflog)" },
	[PI_IFI_IN] = { "oob.ifindex_in", NFP_T_U32, NFP_KEYF_OPTIONAL,
			"input interface (nflog)" },
	[PI_IFI_OUT] = { "oob.ifindex_out", NFP_T_U32, NFP_KEYF_OPTIONAL,
			 "output interface (nflog)" },
	[PI_UID] = { "oob.uid", NFP_T_U32, NFP_KEYF_OPTIONAL,
		     "socket owner (nflog)" },
	[PI_GID] = { "oob.gid", NFP_T_U32, NFP_KEYF_OPTIONAL,
		     "socket group (nflog)" },
	[PI_HOOK] = { "oob.hook", NFP_T_U8, NFP_KEYF_OPTIONAL,
		      "netfilter hook (nflog)" },
	[PI_MAC] = { "raw.mac", NFP_T_RAW, NFP_KEYF_OPTIONAL,
		     "link-layer header (nflog)" },
	[PI_HWTYPE] = { "raw.type", NFP_T_U16, NFP_KEYF_OPTIONAL,
			"ARPHRD_* of the device (nflog)" },
	{ 0 }
};

static const char *const pcap_counters[] = {
	FB_COUNTERS, "skipped", NULL
};
enum { PC_SKIPPED = FB_CTR_ERRORS + 1 };

static const char *const pcap_linktypes[] = { "raw", "nflog", NULL };
enum { PL_RAW, PL_NFLOG };

struct pcap_priv {
	char *file;		/* option: the pcap file */
	bool sync;		/* option: fdatasync() after each batch */
	int linktype;		/* option: PL_RAW or PL_NFLOG */
	uint64_t group;		/* option: NFLOG resource id in the file */
	struct fb fb;		/* the file and its pending batch */
};

static const struct nfp_option pcap_options[] = {
	{ .name = "file", .type = NFP_OPT_PATH,
	  .def = LOCALSTATEDIR "/log/nfpipe/nfpipe.pcap",
	  .off = offsetof(struct pcap_priv, file),
	  .help = "pcap file the packets are appended to; created 0640." },
	{ .name = "sync", .type = NFP_OPT_BOOL, .def = "0",
	  .off = offsetof(struct pcap_priv, sync),
	  .help = "fdatasync() the file after each batch." },
	{ .name = "linktype", .type = NFP_OPT_ENUM, .def = "raw",
	  .enums = pcap_linktypes, .off = offsetof(struct pcap_priv, linktype),
	  .help = "raw (LINKTYPE_RAW, IP only) or nflog (LINKTYPE_NFLOG, "
		  "keeps prefix, mark, interfaces, uid/gid)." },
	{ .name = "group", .type = NFP_OPT_UINT, .def = "0", .min = 0,
	  .max = 65535, .off = offsetof(struct pcap_priv, group),
	  .help = "linktype=nflog: the group written as the resource id." },
	{ 0 }
};

static uint32_t file_linktype(const struct pcap_priv *pp)
{
	return pp->linktype == PL_NFLOG ? PCAP_LT_NFLOG : PCAP_LT_RAW;
}

/*
 * After an open: an empty file gets the header; a non-empty one must have
 * ours. 0, or -EINVAL when the file holds something else.
 */
static int check_or_write_header(struct nfp_inst *inst)
{
	struct pcap_priv *pp = inst->priv;
	uint8_t hdr[PCAP_FILE_HDR];
	struct stat st;
	ssize_t n;
	int fd, rc;

	if (fstat(pp->fb.fd, &st) < 0)
		return -errno;
	if (st.st_size == 0) {
		pcap_file_header(hdr, file_linktype(pp));
		n = write(pp->fb.fd, hdr, sizeof(hdr));
		return n == (ssize_t)sizeof(hdr) ? 0 : -EIO;
	}
	/* The file is open for appending only: read it on the side. */
	fd = open(pp->file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = pread(fd, hdr, sizeof(hdr), 0);
	close(fd);
	rc = n == (ssize_t)sizeof(hdr) ?
		pcap_header_check(hdr, file_linktype(pp)) : -EINVAL;
	if (rc)
		nfp_err(inst, "%s is not a pcap file of linktype %u in this "
			"host's byte order: not appending to it", pp->file,
			file_linktype(pp));
	return rc;
}

static enum nfp_ret pcap_process(struct nfp_inst *inst, struct nfp_rec *rec)
{
	struct pcap_priv *pp = inst->priv;
	const struct nfp_value *pkt = nfp_get(rec, PI_PKT), *v;
	struct pcap_meta m = { 0 };
	size_t need;
	char *d;

	if (!pkt || !pkt->raw.ptr)
		return NFP_OK;
	v = nfp_get(rec, PI_FAMILY);
	m.family = v ? v->u8 : pcap_guess_family(pkt->raw.ptr,
						  pkt->raw.len);
	if (pp->linktype == PL_RAW && m.family != AF_INET &&
	    m.family != AF_INET6) {
		inst->ctr[PC_SKIPPED]++;
		return NFP_OK;
	}
	v = nfp_get(rec, PI_SEC);
	if (v) {
		m.sec = v->u32;
		v = nfp_get(rec, PI_USEC);
		m.usec = v ? v->u32 : 0;
		m.has_time = true;
	} else {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		m.sec = (uint32_t)ts.tv_sec;
		m.usec = (uint32_t)(ts.tv_nsec / 1000);
	}
	m.group = (uint16_t)pp->group;
	if ((v = nfp_get(rec, PI_PROTOCOL)))
		m.protocol = v->u16;
	else
		m.protocol = m.family == AF_INET6 ? 0x86dd :
			     m.family == AF_INET ? 0x0800 : 0;
	if ((v = nfp_get(rec, PI_HOOK)))
		m.hook = v->u8;
	if ((v = nfp_get(rec, PI_PREFIX)) && v->str.ptr) {
		m.prefix = v->str.ptr;
		m.prefix_len = v->str.len;
	}
	if ((v = nfp_get(rec, PI_MARK))) {
		m.mark = v->u32;
		m.has_mark = true;
	}
	if ((v = nfp_get(rec, PI_IFI_IN)))
		m.ifindex_in = v->u32;
	if ((v = nfp_get(rec, PI_IFI_OUT)))
		m.ifindex_out = v->u32;
	if ((v = nfp_get(rec, PI_UID))) {
		m.uid = v->u32;
		m.has_uid = true;
	}
	if ((v = nfp_get(rec, PI_GID))) {
		m.gid = v->u32;
		m.has_gid = true;
	}
	if ((v = nfp_get(rec, PI_MAC)) && v->raw.ptr && v->raw.len) {
		m.mac = v->raw.ptr;
		m.mac_len = v->raw.len;
		if ((v = nfp_get(rec, PI_HWTYPE))) {
			m.hwtype = v->u16;
			m.has_hwtype = true;
		}
	}
	need = pcap_record_size(pp->linktype == PL_NFLOG, &m, pkt->raw.len);
	d = fb_reserve(&pp->fb, need);
	if (!d)
		return NFP_ERROR;
	fb_commit(&pp->fb, pcap_record(d, pp->linktype == PL_NFLOG, &m,
				       pkt->raw.ptr, pkt->raw.len));
	fb_record_done(&pp->fb);
	return NFP_OK;
}

static int pcap_start(struct nfp_inst *inst)
{
	struct pcap_priv *pp = inst->priv;
	int rc;

	rc = fb_open(&pp->fb, inst, pp->file, pp->sync);
	if (rc)
		return rc;
	rc = check_or_write_header(inst);
	if (rc) {
		fb_close(&pp->fb);
		return rc;
	}
	return 0;
}

static int pcap_flush(struct nfp_inst *inst)
{
	struct pcap_priv *pp = inst->priv;

	return fb_flush(&pp->fb);
}

static void pcap_reopen(struct nfp_inst *inst)
{
	struct pcap_priv *pp = inst->priv;
	int old = dup(pp->fb.fd);

	fb_reopen(&pp->fb);
	if (check_or_write_header(inst) && old >= 0) {
		/* Not ours: go back to the file we had. */
		close(pp->fb.fd);
		pp->fb.fd = old;
		old = -1;
	}
	if (old >= 0)
		close(old);
}

static void pcap_stop(struct nfp_inst *inst)
{
	struct pcap_priv *pp = inst->priv;

	fb_close(&pp->fb);
}

NFP_PLUGIN(output, pcap) = {
	.abi = NFP_PLUGIN_ABI,
	.size = sizeof(struct nfp_plugin),
	.kind = NFP_OUTPUT,
	.name = "PCAP",
	.summary = "the logged packets to a pcap file (raw IP or NFLOG)",
	.options = pcap_options,
	.in_keys = pcap_in,
	.counters = pcap_counters,
	.priv_size = sizeof(struct pcap_priv),
	.start = pcap_start,
	.process = pcap_process,
	.flush = pcap_flush,
	.reopen = pcap_reopen,
	.stop = pcap_stop,
};

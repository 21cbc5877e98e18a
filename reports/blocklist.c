/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * reports/blocklist - nfpipe blocklist: convert, load and look up blocklists
 *
 *   convert -n NAME [-f FORMAT] [-t ipset|nft|cidr] [FILE|-]
 *   load    -n NAME [-f FORMAT] [-t ipset|nft] FILE
 *   lookup  ADDR... [-l NAME:FORMAT:PATH]... [-c CONFIG]
 *
 * Lists are read by the BLACKLIST filter's own code (iplist.c), so a list
 * converts, loads and answers look-ups exactly as the daemon reads it. A
 * set is always filled with the minimal CIDR cover of the merged ranges,
 * IPv4 in NAME and IPv6 in NAME6 (ipset and nft sets hold one family).
 *
 * `load -t ipset` pipes an ipset restore script into `ipset restore`: it
 * fills NAME-tmp, creates NAME if missing, swaps the two (the kernel swaps
 * the sets' contents atomically) and destroys the old one, so the live set
 * is never empty or half filled. It runs the ipset tool rather than
 * libipset because the tool is the stable interface (libipset's API moved
 * between 6.x and 7.x and prints its own messages), `ipset restore` is
 * already one kernel round trip per batch, and the script it runs is the
 * very text `convert` prints, so what an administrator tests by hand is what
 * runs. `load -t nft` hands one `nft -f` text (table and set declared, set
 * flushed, elements added) to libnftables as one buffer: nftables applies a
 * buffer as one transaction, so the set changes from old to new at once
 * (without libnftables at build time it runs `nft -f -` with the same
 * text). Exit status: 0 done, 1 bad arguments or unreadable list, 2 the
 * kernel refused (ipset or nft failed).
 */
#include "nfp.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <fcntl.h>
#include <getopt.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#ifdef HAVE_NFTABLES
#include <nftables/libnftables.h>
#endif

#include "cli.h"
#include "core.h"
#include "iplist.h"

enum bl_target { T_IPSET, T_NFT, T_CIDR };

/* What convert and load share. */
struct bl_args {
	const char *name;      /* -n: the set's name */
	const char *table;     /* --table: nft "family name" */
	int format;	       /* -f: enum ipl_format */
	enum bl_target target; /* -t */
};

/* ipset's names are at most 31 bytes; NAME6 and NAME-tmp6 must fit. */
#define SET_NAME_MAX 26

static void bl_usage(FILE *f)
{
	fprintf(f,
		"Usage: nfpipe blocklist convert -n NAME [-f FORMAT] "
		"[-t ipset|nft|cidr] [FILE|-]\n"
		"       nfpipe blocklist load -n NAME [-f FORMAT] "
		"[-t ipset|nft] FILE\n"
		"       nfpipe blocklist lookup ADDR... "
		"[-l NAME:FORMAT:PATH]... [-c CONFIG]\n"
		"Convert blocklists into ipset or nft sets, load them "
		"atomically, and look addresses up.\n\n"
		"  -n, --name NAME     the set (IPv6 goes to NAME6)\n"
		"  -f, --format FMT    auto (default), p2p, cidr, dshield, "
		"spamhaus, ipset\n"
		"  -t, --to TARGET     ipset (default), nft, cidr (convert "
		"only)\n"
		"      --table T       nft table, \"family name\" (default "
		"\"inet nfpipe\")\n"
		"  -l, --list SPEC     lookup: a list NAME:FORMAT:PATH "
		"(repeatable);\n"
		"                      default: the BLACKLIST sections of the "
		"config\n"
		"  -c, --config FILE   lookup: nfpiped's config (default %s)\n"
		"  -h, --help          this help\n"
		"Lists may be gzip-compressed. Bad lines are named on stderr "
		"and skipped.\n",
		CLI_DEFAULT_CONFIG);
}

static void on_bad(void *ctx, unsigned long line, const char *why)
{
	fprintf(stderr, "%s: %s:%lu: %s; line skipped\n", cli_prog,
		(const char *)ctx, line, why);
}

/* Read and merge list @path; NULL after a message. */
static struct iplist *read_list(const char *path, int format,
				unsigned int flags)
{
	struct iplist *l = ipl_new((enum ipl_format)format, flags);
	int err;

	if (!l) {
		cli_err("out of memory");
		return NULL;
	}
	ipl_set_bad_fn(l, on_bad,
		       (void *)(strcmp(path, "-") ? path : "<stdin>"));
	err = ipl_load_file(l, path);
	if (!err)
		err = ipl_finish(l);
	if (err) {
		cli_err("cannot read %s: %s", path,
			err == -EIO ? "read or gzip error" : strerror(-err));
		ipl_free(l);
		return NULL;
	}
	return l;
}

/* ---- writing sets -------------------------------------------------------- */

struct out {
	FILE *f;		 /* where the text goes */
	const char *set;	 /* "add NAME " / the nft set, per family */
	enum bl_target target;	 /* how a network is written */
	size_t in_stmt;		 /* nft: elements in the open statement */
	const struct bl_args *a; /* names */
	int family;		 /* of the networks being written */
};

/* A dotted quad without printf (400,000 of them for level1). */
static char *fmt4(char *o, uint32_t a)
{
	int i;

	for (i = 3; i >= 0; i--) {
		unsigned int v = (a >> (i * 8)) & 0xff;

		if (v >= 100) {
			*o++ = (char)('0' + v / 100);
			v %= 100;
			*o++ = (char)('0' + v / 10);
		} else if (v >= 10) {
			*o++ = (char)('0' + v / 10);
		}
		*o++ = (char)('0' + v % 10);
		if (i)
			*o++ = '.';
	}
	return o;
}

static char *fmt_net(char *o, int family, ipl_u128 addr, unsigned int pfx)
{
	if (family == AF_INET) {
		o = fmt4(o, (uint32_t)addr);
	} else {
		uint8_t b[16];

		ipl_u128_to(addr, b);
		inet_ntop(AF_INET6, b, o, INET6_ADDRSTRLEN);
		o += strlen(o);
	}
	*o++ = '/';
	if (pfx >= 100)
		*o++ = (char)('0' + pfx / 100);
	if (pfx >= 10)
		*o++ = (char)('0' + pfx / 10 % 10);
	*o++ = (char)('0' + pfx % 10);
	return o;
}

/* nft: elements per `add element` statement (one transaction anyway). */
#define NFT_CHUNK 8192

static int put_net(void *ctx, int family, ipl_u128 addr, unsigned int pfx)
{
	struct out *o = ctx;
	char buf[128], *p = buf;

	switch (o->target) {
	case T_IPSET:
		fputs(o->set, o->f);
		break;
	case T_NFT:
		if (!o->in_stmt)
			fprintf(o->f, "add element %s %s { ", o->a->table,
				o->set);
		else
			fputs(", ", o->f);
		if (++o->in_stmt == NFT_CHUNK) {
			p = fmt_net(p, family, addr, pfx);
			memcpy(p, " }\n", 3);
			fwrite(buf, 1, (size_t)(p + 3 - buf), o->f);
			o->in_stmt = 0;
			return 0;
		}
		break;
	case T_CIDR:
		break;
	}
	p = fmt_net(p, family, addr, pfx);
	if (o->target != T_NFT)
		*p++ = '\n';
	fwrite(buf, 1, (size_t)(p - buf), o->f);
	return 0;
}

static size_t pow2_at_least(size_t n)
{
	size_t p = 1;

	while (p < n)
		p <<= 1;
	return p;
}

/* hashsize and maxelem for @n entries: room to spare, ipset's minimums. */
static void ipset_sizes(size_t n, size_t *hashsize, size_t *maxelem)
{
	*hashsize = pow2_at_least(n / 2);
	if (*hashsize < 1024)
		*hashsize = 1024;
	*maxelem = pow2_at_least(n + n / 4);
	if (*maxelem < 65536)
		*maxelem = 65536;
}

/* Does ipset set @name exist? (`ipset -n list NAME` exits 0 if so.) */
static bool ipset_exists(const char *name)
{
	int st = 0;
	pid_t pid = fork();

	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);

		if (fd >= 0) {
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
		}
		execlp("ipset", "ipset", "-n", "list", name, (char *)NULL);
		_exit(127);
	}
	return pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
	       WEXITSTATUS(st) == 0;
}

/*
 * The text for @l: an ipset restore script, an nft -f file or plain CIDRs.
 * @swap (ipset load): fill a fresh NAME-tmp sized for the list, then swap
 * it with NAME (rename it to NAME when there is none yet) and destroy what
 * was swapped out; the kernel's swap is atomic, so NAME is never empty or
 * half filled. `create -exist` refuses a set of other sizes, hence the look
 * at what exists.
 */
static void write_sets(FILE *f, const struct iplist *l, const struct bl_args *a,
		       bool swap, size_t *total)
{
	struct out o = { .f = f, .target = a->target, .a = a };
	char set[2][64], tmp[2][64], line[160];
	size_t n[2], hs, me;
	int fam;

	ipl_count_cidrs(l, &n[0], &n[1]);
	*total = n[0] + n[1];
	snprintf(set[0], sizeof(set[0]), "%s", a->name);
	snprintf(set[1], sizeof(set[1]), "%s6", a->name);
	snprintf(tmp[0], sizeof(tmp[0]), "%s-tmp", a->name);
	snprintf(tmp[1], sizeof(tmp[1]), "%s-tmp6", a->name);
	if (a->target == T_CIDR) {
		ipl_cidrs(l, put_net, &o);
		return;
	}
	if (a->target == T_NFT) {
		fprintf(f, "add table %s\n", a->table);
		/* both sets, always: a list without IPv6 empties NAME6 */
		for (fam = 0; fam < 2; fam++) {
			fprintf(f,
				"add set %s %s { type %s; flags interval; }\n"
				"flush set %s %s\n",
				a->table, set[fam],
				fam ? "ipv6_addr" : "ipv4_addr", a->table,
				set[fam]);
			o.family = fam ? AF_INET6 : AF_INET;
			o.set = set[fam];
			o.in_stmt = 0;
			ipl_cidrs_family(l, o.family, put_net, &o);
			if (o.in_stmt)
				fputs(" }\n", f);
		}
		return;
	}
	for (fam = 0; fam < 2; fam++) {
		const char *fill = swap ? tmp[fam] : set[fam];

		ipset_sizes(n[fam], &hs, &me);
		if (swap && ipset_exists(fill))
			fprintf(f, "destroy %s\n", fill);
		fprintf(f,
			"create %s hash:net family %s hashsize %zu "
			"maxelem %zu%s\n",
			fill, fam ? "inet6" : "inet", hs, me,
			swap ? "" : " -exist");
		snprintf(line, sizeof(line), "add %s ", fill);
		o.set = line;
		o.family = fam ? AF_INET6 : AF_INET;
		ipl_cidrs_family(l, o.family, put_net, &o);
		if (!swap)
			continue;
		if (ipset_exists(set[fam]))
			fprintf(f, "swap %s %s\ndestroy %s\n", fill, set[fam],
				fill);
		else
			fprintf(f, "rename %s %s\n", fill, set[fam]);
	}
}

/* ---- option parsing shared by convert and load ------------------------ */

static int parse_args(int argc, char **argv, struct bl_args *a, bool allow_cidr,
		      const char **file)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "format", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "table", required_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *c;
	int ch;

	a->name = NULL;
	a->table = "inet nfpipe";
	a->format = IPL_AUTO;
	a->target = T_IPSET;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "n:f:t:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'n':
			a->name = optarg;
			break;
		case 'f':
			a->format = ipl_format_parse(optarg);
			if (a->format < 0) {
				cli_usage_err("unknown format \"%s\" (auto, "
					      "p2p, cidr, dshield, spamhaus, "
					      "ipset)",
					      optarg);
				return -1;
			}
			break;
		case 't':
			if (!strcmp(optarg, "ipset"))
				a->target = T_IPSET;
			else if (!strcmp(optarg, "nft"))
				a->target = T_NFT;
			else if (!strcmp(optarg, "cidr") && allow_cidr)
				a->target = T_CIDR;
			else {
				cli_usage_err("unknown target \"%s\" (%s)",
					      optarg,
					      allow_cidr ? "ipset, nft, cidr"
							 : "ipset, nft");
				return -1;
			}
			break;
		case 'T':
			a->table = optarg;
			break;
		case 'h':
			bl_usage(stdout);
			return 1;
		default:
			fprintf(stderr, "Try '%s --help'.\n", cli_prog);
			return -1;
		}
	}
	if (!a->name && a->target != T_CIDR) {
		cli_usage_err("give the set a name with -n NAME");
		return -1;
	}
	for (c = a->name; c && *c; c++)
		if (!(isalnum((unsigned char)*c) || *c == '_' || *c == '-' ||
		      *c == '.')) {
			cli_usage_err("set name \"%s\": use letters, digits, "
				      "'_', '-' and '.'",
				      a->name);
			return -1;
		}
	if (a->name && strlen(a->name) > SET_NAME_MAX) {
		cli_usage_err("set name \"%s\" is longer than %d characters",
			      a->name, SET_NAME_MAX);
		return -1;
	}
	if (optind + 1 < argc) {
		cli_usage_err("unexpected argument \"%s\"", argv[optind + 1]);
		return -1;
	}
	*file = optind < argc ? argv[optind] : NULL;
	return 0;
}

static int do_convert(int argc, char **argv)
{
	const char *file;
	struct bl_args a;
	struct iplist *l;
	size_t nets;
	int r = parse_args(argc, argv, &a, true, &file);

	if (r)
		return r > 0 ? CLI_OK : CLI_FAIL;
	l = read_list(file ? file : "-", a.format, IPL_NODESC);
	if (!l)
		return CLI_FAIL;
	write_sets(stdout, l, &a, false, &nets);
	if (fflush(stdout) || ferror(stdout)) {
		cli_err("cannot write: %s", strerror(errno));
		ipl_free(l);
		return CLI_FAIL;
	}
	fprintf(stderr, "Converted %lu ranges into %zu networks", l->ranges,
		nets);
	if (l->bad)
		fprintf(stderr, " (%lu bad line%s skipped)", l->bad,
			l->bad == 1 ? "" : "s");
	fputc('\n', stderr);
	ipl_free(l);
	return CLI_OK;
}

/* Run @argv with @text on its standard input; its exit status, or -1. */
static int run_with_input(char *const *argv, const char *text, size_t len)
{
	int pfd[2], st = 0;
	pid_t pid;

	if (pipe(pfd) < 0)
		return -1;
	pid = fork();
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return -1;
	}
	if (pid == 0) {
		dup2(pfd[0], STDIN_FILENO);
		close(pfd[0]);
		close(pfd[1]);
		execvp(argv[0], argv);
		fprintf(stderr, "%s: cannot run %s: %s\n", cli_prog, argv[0],
			strerror(errno));
		_exit(127);
	}
	close(pfd[0]);
	while (len) {
		ssize_t w = write(pfd[1], text, len);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			break; /* the child died: its status says why */
		}
		text += w;
		len -= (size_t)w;
	}
	close(pfd[1]);
	if (waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int load_nft(const char *text, size_t len)
{
#ifdef HAVE_NFTABLES
	struct nft_ctx *nft = nft_ctx_new(NFT_CTX_DEFAULT);
	int r;

	(void)len;
	if (!nft) {
		cli_err("cannot start libnftables");
		return CLI_UNREACHABLE;
	}
	nft_ctx_buffer_error(nft);
	r = nft_run_cmd_from_buffer(nft, text);
	if (r) {
		const char *e = nft_ctx_get_error_buffer(nft);
		size_t n = strlen(e);

		while (n && e[n - 1] == '\n')
			n--;
		cli_err("nft refused the set: %.*s", (int)(n > 2000 ? 2000 : n),
			e);
	}
	nft_ctx_free(nft);
	return r ? CLI_UNREACHABLE : CLI_OK;
#else
	char *argv[] = { (char *)"nft", (char *)"-f", (char *)"-", NULL };

	if (run_with_input(argv, text, len)) {
		cli_err("nft -f failed");
		return CLI_UNREACHABLE;
	}
	return CLI_OK;
#endif
}

static int do_load(int argc, char **argv)
{
	char *argv_ipset[] = { (char *)"ipset", (char *)"restore", NULL };
	const char *file;
	struct bl_args a;
	struct iplist *l;
	size_t len = 0, nets;
	char *text = NULL;
	FILE *m;
	int r = parse_args(argc, argv, &a, false, &file);

	if (r)
		return r > 0 ? CLI_OK : CLI_FAIL;
	if (!file) {
		cli_usage_err("name the list to load");
		return CLI_FAIL;
	}
	l = read_list(file, a.format, IPL_NODESC);
	if (!l)
		return CLI_FAIL;
	m = open_memstream(&text, &len);
	if (!m) {
		ipl_free(l);
		cli_err("out of memory");
		return CLI_FAIL;
	}
	write_sets(m, l, &a, true, &nets);
	if (fclose(m)) {
		ipl_free(l);
		free(text);
		cli_err("out of memory");
		return CLI_FAIL;
	}
	if (a.target == T_NFT) {
		r = load_nft(text, len);
	} else {
		r = run_with_input(argv_ipset, text, len);
		if (r) {
			cli_err("ipset restore failed%s",
				r == 127 ? " (is ipset installed?)" : "");
			r = CLI_UNREACHABLE;
		}
	}
	if (r == CLI_OK)
		fprintf(stderr, "Loaded %zu networks into %s%s%s and %s6\n",
			nets, a.target == T_NFT ? a.table : "",
			a.target == T_NFT ? " " : "", a.name, a.name);
	free(text);
	ipl_free(l);
	return r;
}

/* ---- lookup ----------------------------------------------------------- */

struct lk_list {
	char *name;	    /* NAME */
	char *path;	    /* PATH */
	int format;	    /* FORMAT */
	struct iplist *ipl; /* loaded */
};

static int add_spec(struct lk_list *v, int *n, int max, const char *spec)
{
	const char *c1 = strchr(spec, ':'),
		   *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	char fmt[32];

	if (!c1 || !c2 || c1 == spec || !c2[1] ||
	    (size_t)(c2 - c1 - 1) >= sizeof(fmt)) {
		cli_usage_err("list \"%s\" is not NAME:FORMAT:PATH", spec);
		return -1;
	}
	if (*n == max) {
		cli_usage_err("more than %d lists", max);
		return -1;
	}
	memcpy(fmt, c1 + 1, (size_t)(c2 - c1 - 1));
	fmt[c2 - c1 - 1] = '\0';
	v[*n].format = ipl_format_parse(fmt);
	if (v[*n].format < 0) {
		cli_usage_err("list \"%s\": unknown format \"%s\"", spec, fmt);
		return -1;
	}
	v[*n].name = strndup(spec, (size_t)(c1 - spec));
	v[*n].path = strdup(c2 + 1);
	(*n)++;
	return 0;
}

/* Every list= of every BLACKLIST instance of the config. */
static int lists_from_conf(const char *path, struct lk_list *v, int *n, int max)
{
	struct nfp_conf *conf = cli_conf_load(path);
	char *names[64];
	int i, k, err = 0;

	if (!conf) {
		cli_err("cannot read the config %s",
			path ? path : CLI_DEFAULT_CONFIG);
		return -1;
	}
	k = cli_conf_instances(conf, "BLACKLIST", names, 64);
	for (i = 0; i < k && i < 64; i++) {
		const struct nfp_conf_section *s =
			nfp_conf_section(conf, names[i]);
		const struct nfp_conf_entry *e;

		for (e = s ? s->entries : NULL; e && !err; e = e->next)
			if (!strcmp(e->key, "list"))
				err = add_spec(v, n, max, e->value);
		free(names[i]);
	}
	nfp_conf_free(conf);
	if (!err && !*n) {
		cli_err("no BLACKLIST list in %s; give lists with -l",
			path ? path : CLI_DEFAULT_CONFIG);
		return -1;
	}
	return err;
}

static int do_lookup(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "list", required_argument, NULL, 'l' },
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	enum { MAX_LISTS = 64 };
	struct lk_list lists[MAX_LISTS];
	const char *conf = NULL;
	int n = 0, i, c, ret = CLI_OK, a;

	memset(lists, 0, sizeof(lists));
	optind = 1;
	while ((c = getopt_long(argc, argv, "l:c:h", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			if (add_spec(lists, &n, MAX_LISTS, optarg)) {
				ret = CLI_FAIL;
				goto out;
			}
			break;
		case 'c':
			conf = optarg;
			break;
		case 'h':
			bl_usage(stdout);
			goto out;
		default:
			fprintf(stderr, "Try '%s --help'.\n", cli_prog);
			ret = CLI_FAIL;
			goto out;
		}
	}
	if (optind >= argc) {
		cli_usage_err("name an address to look up");
		ret = CLI_FAIL;
		goto out;
	}
	if (!n && lists_from_conf(conf, lists, &n, MAX_LISTS)) {
		ret = CLI_FAIL;
		goto out;
	}
	for (i = 0; i < n; i++) {
		lists[i].ipl = read_list(lists[i].path, lists[i].format, 0);
		if (!lists[i].ipl) {
			ret = CLI_FAIL;
			goto out;
		}
	}
	for (a = optind; a < argc; a++) {
		uint8_t b[16];
		struct in_addr in4;
		int fam, hits = 0;

		if (inet_pton(AF_INET, argv[a], &in4) == 1) {
			fam = AF_INET;
		} else if (inet_pton(AF_INET6, argv[a], b) == 1) {
			fam = AF_INET6;
		} else {
			cli_err("\"%s\" is not an IPv4 or IPv6 address",
				argv[a]);
			ret = CLI_FAIL;
			continue;
		}
		printf("%s:", argv[a]);
		for (i = 0; i < n; i++) {
			uint32_t d;

			if (fam == AF_INET) {
				const struct ipl_r4 *r = ipl_find4(
					lists[i].ipl, ntohl(in4.s_addr));

				if (!r)
					continue;
				d = r->desc;
			} else {
				const struct ipl_r6 *r = ipl_find6(
					lists[i].ipl, ipl_u128_from(b));

				if (!r)
					continue;
				d = r->desc;
			}
			hits++;
			printf(" %s", lists[i].name);
			if (d)
				printf(" (%s)", ipl_desc(lists[i].ipl, d));
		}
		printf("%s\n", hits ? "" : " not listed");
	}
out:
	for (i = 0; i < n; i++) {
		free(lists[i].name);
		free(lists[i].path);
		ipl_free(lists[i].ipl);
	}
	return ret;
}

int cmd_blocklist(int argc, char **argv)
{
	static char prog[64];

	if (argc < 2) {
		cli_usage_err("convert, load or lookup?");
		return CLI_FAIL;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		bl_usage(stdout);
		return CLI_OK;
	}
	snprintf(prog, sizeof(prog), "%s %s", cli_prog, argv[1]);
	if (!strcmp(argv[1], "convert")) {
		cli_prog = prog;
		return do_convert(argc - 1, argv + 1);
	}
	if (!strcmp(argv[1], "load")) {
		cli_prog = prog;
		return do_load(argc - 1, argv + 1);
	}
	if (!strcmp(argv[1], "lookup")) {
		cli_prog = prog;
		return do_lookup(argc - 1, argv + 1);
	}
	cli_usage_err("no action \"%s\": convert, load or lookup", argv[1]);
	return CLI_FAIL;
}

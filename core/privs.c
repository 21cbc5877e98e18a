/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * core/privs - dropping to -u USER, keeping what plugins asked to keep
 *
 * Sockets are opened as root in start(); then the daemon becomes USER
 * (its groups, group and user ID) before it processes any record. A plugin
 * that needs a capability for the rest of its life (NFCT's dumps: the kernel
 * checks CAP_NET_ADMIN on every request, not only at bind) says so with
 * nfp_keep_caps() from start(). The drop then keeps the permitted set across
 * setuid (PR_SET_KEEPCAPS) and at once shrinks it to exactly the requested
 * capabilities, effective, none inheritable: there is no moment in which
 * the process runs as USER with more than that.
 */
#include "nfp.h"

#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "engine.h"

static uint64_t keep; /* capabilities requested by plugins */

NFP_API int nfp_keep_caps(struct nfp_inst *inst, uint64_t caps)
{
	keep |= caps;
	return 0;
}

static int caps_set(uint64_t caps)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];

	memset(data, 0, sizeof(data));
	data[0].permitted = (uint32_t)caps;
	data[0].effective = (uint32_t)caps;
	data[1].permitted = (uint32_t)(caps >> 32);
	data[1].effective = (uint32_t)(caps >> 32);
	if (syscall(SYS_capset, &hdr, data) < 0)
		return -errno;
	return 0;
}

int nfp_drop_privileges(const char *user)
{
	struct passwd *pw = getpwnam(user);
	int err;

	if (!pw) {
		nfp_log(NULL, NFP_LOG_FATAL, "unknown user \"%s\"", user);
		return -ENOENT;
	}
	if (keep && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0) {
		err = -errno;
		nfp_log(NULL, NFP_LOG_FATAL, "PR_SET_KEEPCAPS: %s",
			strerror(-err));
		return err;
	}
	if (initgroups(pw->pw_name, pw->pw_gid) < 0 || setgid(pw->pw_gid) < 0 ||
	    setuid(pw->pw_uid) < 0) {
		err = -errno;
		nfp_log(NULL, NFP_LOG_FATAL, "cannot drop to user %s: %s", user,
			strerror(-err));
		return err;
	}
	if (keep) {
		err = caps_set(keep);
		prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
		if (err < 0) {
			nfp_log(NULL, NFP_LOG_FATAL,
				"cannot keep capabilities 0x%llx as %s: %s",
				(unsigned long long)keep, user, strerror(-err));
			return err;
		}
	}
	if (setuid(0) == 0) {
		nfp_log(NULL, NFP_LOG_FATAL,
			"privileges could be regained after dropping to %s",
			user);
		return -EPERM;
	}
	if (keep == UINT64_C(1) << CAP_NET_ADMIN)
		nfp_log(NULL, NFP_LOG_INFO,
			"running as %s (uid %u), keeping CAP_NET_ADMIN only",
			user, (unsigned int)pw->pw_uid);
	else if (keep)
		nfp_log(NULL, NFP_LOG_INFO,
			"running as %s (uid %u), keeping capabilities 0x%llx only",
			user, (unsigned int)pw->pw_uid,
			(unsigned long long)keep);
	else
		nfp_log(NULL, NFP_LOG_INFO, "running as %s (uid %u)", user,
			(unsigned int)pw->pw_uid);
	return 0;
}

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
 *
 * Files made as root before the drop (databases, spools, log files) are
 * given to USER (nfp_own_path): at once, and again at the drop for what
 * appeared in a registered directory meanwhile, so that the daemon, and
 * its next start, can write them as USER.
 */
#include "nfp.h"

#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <pthread.h>
#include <sys/stat.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "engine.h"

static uint64_t keep; /* capabilities requested by plugins */

/* The -u user and the paths that go to it; under mu (workers call in). */
static struct {
	pthread_mutex_t mu; /* guards everything here */
	bool set;	    /* nfp_set_run_user() found the user */
	bool dropped;	    /* running as the user now */
	bool settled;	    /* dropped, or it will not happen */
	pthread_cond_t cv;  /* signalled when settled */
	uid_t uid;	    /* the user's */
	gid_t gid;	    /* its primary group */
	char **paths;	    /* to chown again at the drop, owned */
	size_t npaths;	    /* entries in paths */
} R = { .mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER };

void nfp_privs_wait(void)
{
	pthread_mutex_lock(&R.mu);
	while (R.set && !R.settled)
		pthread_cond_wait(&R.cv, &R.mu);
	pthread_mutex_unlock(&R.mu);
}

void nfp_privs_settle(void)
{
	pthread_mutex_lock(&R.mu);
	R.settled = true;
	pthread_cond_broadcast(&R.cv);
	pthread_mutex_unlock(&R.mu);
}

int nfp_set_run_user(const char *user)
{
	struct passwd *pw = getpwnam(user);

	if (!pw)
		return -ENOENT;
	pthread_mutex_lock(&R.mu);
	R.set = true;
	R.uid = pw->pw_uid;
	R.gid = pw->pw_gid;
	pthread_mutex_unlock(&R.mu);
	return 0;
}

NFP_API int nfp_run_owner(unsigned int *uid, unsigned int *gid)
{
	int set;

	pthread_mutex_lock(&R.mu);
	set = R.set;
	if (set && uid)
		*uid = R.uid;
	if (set && gid)
		*gid = R.gid;
	pthread_mutex_unlock(&R.mu);
	return set;
}

/* Under mu: chown @path (no symlink followed) and a directory's entries. */
static int chown_locked(const char *path)
{
	struct dirent *de;
	struct stat st;
	DIR *dir;
	int err = 0;

	if (fchownat(AT_FDCWD, path, R.uid, R.gid, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (lstat(path, &st) < 0 || !S_ISDIR(st.st_mode))
		return 0;
	dir = opendir(path);
	if (!dir)
		return -errno;
	while ((de = readdir(dir))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (fchownat(dirfd(dir), de->d_name, R.uid, R.gid,
			     AT_SYMLINK_NOFOLLOW) < 0 &&
		    errno != ENOENT && !err)
			err = -errno;
	}
	closedir(dir);
	return err;
}

NFP_API int nfp_own_path(const struct nfp_inst *inst, const char *path)
{
	char **n;
	int err;

	if (!path || !*path)
		return -EINVAL;
	pthread_mutex_lock(&R.mu);
	if (!R.set || R.dropped || geteuid() != 0) {
		pthread_mutex_unlock(&R.mu);
		return 0;
	}
	err = chown_locked(path);
	n = realloc(R.paths, (R.npaths + 1) * sizeof(*n));
	if (n) {
		R.paths = n;
		R.paths[R.npaths] = strdup(path);
		if (R.paths[R.npaths])
			R.npaths++;
	}
	pthread_mutex_unlock(&R.mu);
	if (err < 0)
		nfp_warn(inst, "cannot give %s to the run user: %s", path,
			 strerror(-err));
	return err;
}

/* At the drop: everything registered once more, then forget the list. */
static void own_all(void)
{
	size_t i;

	pthread_mutex_lock(&R.mu);
	for (i = 0; i < R.npaths; i++) {
		int err = chown_locked(R.paths[i]);

		if (err < 0)
			nfp_log(NULL, NFP_LOG_WARN,
				"cannot give %s to the run user: %s",
				R.paths[i], strerror(-err));
		free(R.paths[i]);
	}
	free(R.paths);
	R.paths = NULL;
	R.npaths = 0;
	R.dropped = true;
	pthread_mutex_unlock(&R.mu);
}

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

static int drop(const char *user)
{
	struct passwd *pw = getpwnam(user);
	int err;

	if (!pw) {
		nfp_log(NULL, NFP_LOG_FATAL, "unknown user \"%s\"", user);
		return -ENOENT;
	}
	own_all();
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

int nfp_drop_privileges(const char *user)
{
	int err = drop(user);

	nfp_privs_settle();
	return err;
}

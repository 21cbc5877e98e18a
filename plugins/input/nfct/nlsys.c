/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * input/nfct - what the NFCT and NFACCT inputs need from the system
 *
 * See nlsys.h. (Keeping CAP_NET_ADMIN across -u USER is the core's job:
 * the plugins ask for it with nfp_keep_caps().)
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/capability.h>

#include "nlsys.h"

int nlsys_netns_enter(const char *path, int *saved)
{
	int old, fd, err;

	old = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (old < 0)
		return -errno;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		close(old);
		return err;
	}
	if (setns(fd, CLONE_NEWNET) < 0) {
		err = -errno;
		close(fd);
		close(old);
		return err;
	}
	close(fd);
	*saved = old;
	return 0;
}

int nlsys_netns_leave(int saved)
{
	int err = 0;

	if (setns(saved, CLONE_NEWNET) < 0)
		err = -errno;
	close(saved);
	return err;
}

int nlsys_sysctl_get(const char *path, long *val)
{
	char buf[32], *end;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return n < 0 ? -errno : -EIO;
	buf[n] = '\0';
	errno = 0;
	*val = strtol(buf, &end, 10);
	if (errno || end == buf)
		return -EIO;
	return 0;
}

int nlsys_sysctl_set(const char *path, long val)
{
	char buf[32];
	ssize_t n;
	int fd, len, err = 0;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	len = snprintf(buf, sizeof(buf), "%ld\n", val);
	n = write(fd, buf, (size_t)len);
	if (n != len)
		err = n < 0 ? -errno : -EIO;
	close(fd);
	return err;
}

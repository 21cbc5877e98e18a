/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * input/nfct - what the NFCT and NFACCT inputs need from the system
 *
 * Network namespaces (a socket opened in another namespace by entering it
 * around socket creation), /proc/sys values of the current namespace, and
 * keeping CAP_NET_ADMIN across nfpiped's drop to -u USER: nfnetlink answers
 * a dump only when the sender holds CAP_NET_ADMIN at the time of the request
 * (checked per message, on this kernel too), so polling and resynchronising
 * stop working once the daemon runs as nobody unless the capability is kept.
 * Functions return 0 or a negative errno and never log.
 */
#ifndef NFP_NLSYS_H
#define NFP_NLSYS_H

#include <stdbool.h>

/*
 * Enter the network namespace at @path (e.g. /run/netns/NAME). *@saved gets
 * a descriptor of the current one, for nlsys_netns_leave(). Needs
 * CAP_SYS_ADMIN, so call it from start().
 */
int nlsys_netns_enter(const char *path, int *saved);
/* Go back to the namespace nlsys_netns_enter() saved, and close it. */
int nlsys_netns_leave(int saved);

/* Read or write an integer under /proc/sys of the current namespace. */
int nlsys_sysctl_get(const char *path, long *val);
int nlsys_sysctl_set(const char *path, long val);

#endif /* NFP_NLSYS_H */

# SPDX-License-Identifier: GPL-2.0-or-later
nfpipeconfdir = $(sysconfdir)/nfpipe
dist_nfpipeconf_DATA = etc/nfpiped.conf
EXTRA_DIST += etc/nfpiped.service etc/nfpiped.logrotate

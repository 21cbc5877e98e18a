# SPDX-License-Identifier: GPL-2.0-or-later
nfpipeconfdir = $(sysconfdir)/nfpipe
dist_nfpipeconf_DATA = etc/nfpiped.conf
EXTRA_DIST += etc/nfpiped.service etc/nfpiped.logrotate

# Example configurations, each checked by tests/examples.sh.
nfpipeexamplesdir = $(docdir)/examples
dist_nfpipeexamples_DATA = etc/examples/README.md \
	etc/examples/gateway.conf etc/examples/graphs.conf \
	etc/examples/json-tcp.conf etc/examples/kafka.conf \
	etc/examples/mariadb.conf etc/examples/postgresql.conf \
	etc/examples/l7.conf \
	etc/examples/scan-block.conf

# Shell completion for the nfpipe command line.
bashcompletiondir = $(datadir)/bash-completion/completions
dist_bashcompletion_DATA = etc/nfpipe.bash-completion
install-data-hook: install-bash-completion-name
install-bash-completion-name:
	cd $(DESTDIR)$(bashcompletiondir) && \
		mv -f nfpipe.bash-completion nfpipe
uninstall-local:
	rm -f $(DESTDIR)$(bashcompletiondir)/nfpipe
dist_nfpipeexamples_DATA += etc/examples/geoip-blacklist.conf \
	etc/examples/blocklist.txt

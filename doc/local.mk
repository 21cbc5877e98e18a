# SPDX-License-Identifier: GPL-2.0-or-later
dist_man_MANS += doc/man/nfpiped.8 doc/man/nfpiped.conf.5 doc/man/nfpipe.1
dist_man_MANS += doc/man/nfpipe-status.1 doc/man/nfpipe-reload.1
dist_doc_DATA += doc/plugin-api.md doc/keys.md
EXTRA_DIST += doc/internals/engine.md doc/internals/sink.md
EXTRA_DIST += doc/internals/control.md
dist_man_MANS += doc/man/nfpipe-blocklist.1

-- SPDX-License-Identifier: GPL-2.0-or-later
--
-- etc/sql/l7-sqlite3.sql - upgrade: the L7 columns for an older database
--
-- sqlite3.sql itself has the l7_* columns in ulog_pkt and ulog_ct now
-- (a new database gets them). This script is for a database made from an
-- older sqlite3.sql, without them: it adds them. They are optional
-- columns: a stack without L7 writes NULL there (SQLITE3 makes every
-- column of an l7., geoip., blacklist. or scan. key optional), so adding
-- them breaks no stack. Run it once:
--     sqlite3 /var/lib/nfpipe/nfpipe.db < l7-sqlite3.sql
-- (SQLite has no ADD COLUMN IF NOT EXISTS: on a database that has the
-- columns already every line fails, harmlessly.) geoip-blacklist-sqlite3.sql
-- adds the GEOIP and BLACKLIST columns the same way.
--
-- Earlier versions of this script also added oob_prefix to ulog_ct (the
-- prefix of the rule that logged the flow, which L7 copies onto NFCT's
-- records). It is a plain column, so a stack writing ulog_ct without L7
-- (or null_columns=1) is refused while it is there; sqlite3.sql leaves it
-- out. Add it by hand where every such stack has L7:
--     --
-- Columns are the key names with '.' written '_': l7.proto is l7_proto.

ALTER TABLE ulog_pkt ADD COLUMN l7_proto TEXT;	-- TLS, HTTP, DNS, Unknown
ALTER TABLE ulog_pkt ADD COLUMN l7_app TEXT;	-- Google in TLS.Google
ALTER TABLE ulog_pkt ADD COLUMN l7_category TEXT; -- Web, Network, ...
ALTER TABLE ulog_pkt ADD COLUMN l7_host TEXT;	-- Host, SNI, DNS name
ALTER TABLE ulog_pkt ADD COLUMN l7_risk TEXT;	-- nDPI's risks, a,b,c
ALTER TABLE ulog_pkt ADD COLUMN l7_guessed INTEGER; -- 1: by port only
ALTER TABLE ulog_pkt ADD COLUMN l7_pattern TEXT; -- the .pat that matched

ALTER TABLE ulog_ct ADD COLUMN l7_proto TEXT;
ALTER TABLE ulog_ct ADD COLUMN l7_app TEXT;
ALTER TABLE ulog_ct ADD COLUMN l7_category TEXT;
ALTER TABLE ulog_ct ADD COLUMN l7_host TEXT;
ALTER TABLE ulog_ct ADD COLUMN l7_risk TEXT;
ALTER TABLE ulog_ct ADD COLUMN l7_guessed INTEGER;
ALTER TABLE ulog_ct ADD COLUMN l7_pattern TEXT;
ALTER TABLE ulog_ct ADD COLUMN l7_end TEXT;	-- L7's flows: fin, rst, idle...
CREATE INDEX IF NOT EXISTS ulog_ct_by_l7 ON ulog_ct (l7_proto);

-- Bytes per application protocol and host, from the labelled flows.
CREATE VIEW IF NOT EXISTS l7_top AS
	SELECT l7_proto, l7_app, l7_host,
	       COUNT(*) AS flows,
	       SUM(orig_raw_pktlen) + SUM(reply_raw_pktlen) AS bytes
	FROM ulog_ct
	WHERE l7_proto IS NOT NULL
	GROUP BY l7_proto, l7_app, l7_host
	ORDER BY bytes DESC;

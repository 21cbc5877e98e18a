-- SPDX-License-Identifier: GPL-2.0-or-later
--
-- etc/sql/l7-sqlite3.sql - the L7 columns, added to sqlite3.sql's tables
--
-- The L7 filter labels packets (ulog_pkt) and conntrack flows (ulog_ct)
-- with their application protocol. Its columns are nullable and additive,
-- kept in this file apart from sqlite3.sql because SQLITE3 refuses a stack
-- that has no key for one of its table's columns (unless null_columns=1):
-- a stack without L7 keeps writing the plain tables. Once a table has them,
-- every stack writing it must have L7 (or null_columns=1). Run it once, on
-- a database made from sqlite3.sql:
--     sqlite3 /var/lib/nfpipe/nfpipe.db < l7-sqlite3.sql
-- (SQLite has no ADD COLUMN IF NOT EXISTS: a second run fails, harmlessly.)
--
-- Columns are the key names with '.' written '_': l7.proto is l7_proto.

ALTER TABLE ulog_pkt ADD COLUMN l7_proto TEXT;	-- TLS, HTTP, DNS, Unknown
ALTER TABLE ulog_pkt ADD COLUMN l7_app TEXT;	-- Google in TLS.Google
ALTER TABLE ulog_pkt ADD COLUMN l7_category TEXT; -- Web, Network, ...
ALTER TABLE ulog_pkt ADD COLUMN l7_host TEXT;	-- Host, SNI, DNS name
ALTER TABLE ulog_pkt ADD COLUMN l7_risk TEXT;	-- nDPI's risks, a,b,c
ALTER TABLE ulog_pkt ADD COLUMN l7_guessed INTEGER; -- 1: by port only
ALTER TABLE ulog_pkt ADD COLUMN l7_pattern TEXT; -- the .pat that matched

ALTER TABLE ulog_ct ADD COLUMN oob_prefix TEXT;	-- first packet's prefix
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

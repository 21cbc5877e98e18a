-- SPDX-License-Identifier: GPL-2.0-or-later
--
-- etc/sql/l7-mysql.sql - upgrade: the L7 columns for an older database
--
-- mysql.sql itself has the l7_* columns in ulog_pkt and ulog_ct now (a
-- new database gets them). This script is for a database made from an
-- older mysql.sql, without them: it adds them. They are optional columns:
-- a stack without L7 writes NULL there (MYSQL makes every column of an
-- l7., geoip., blacklist. or scan. key optional), so adding them breaks no
-- stack; restart nfpiped afterwards (it reads the columns at start-up).
--     mariadb nfpipe < l7-mysql.sql
-- Running it again changes nothing (MariaDB's ADD COLUMN IF NOT EXISTS).
-- Then run mysql.sql again, which changes no table but remakes the view
-- ulog_pkt_time (the server expanded its SELECT * when it was made)
-- so that it shows the new columns too:
--     mariadb nfpipe < mysql.sql
-- geoip-blacklist-mysql.sql adds the GEOIP and BLACKLIST columns.
--
-- Earlier versions of this script also added oob_prefix to ulog_ct (the
-- prefix of the rule that logged the flow, which L7 copies onto NFCT's
-- records). It is a plain column, so a stack writing ulog_ct without L7
-- (or null_columns=1) is refused while it is there; mysql.sql leaves it
-- out. Add it by hand where every such stack has L7:
--     ALTER TABLE ulog_ct ADD COLUMN IF NOT EXISTS oob_prefix VARCHAR(128);

ALTER TABLE ulog_pkt
	ADD COLUMN IF NOT EXISTS l7_proto VARCHAR(64),	-- TLS, HTTP, DNS ...
	ADD COLUMN IF NOT EXISTS l7_app VARCHAR(64),	-- Google in TLS.Google
	ADD COLUMN IF NOT EXISTS l7_category VARCHAR(64),
	ADD COLUMN IF NOT EXISTS l7_host VARCHAR(255),	-- Host, SNI, DNS name
	ADD COLUMN IF NOT EXISTS l7_risk TEXT,		-- nDPI's risks, a,b,c
	ADD COLUMN IF NOT EXISTS l7_guessed BOOLEAN,	-- 1: by port only
	ADD COLUMN IF NOT EXISTS l7_pattern VARCHAR(64); -- the matching .pat

ALTER TABLE ulog_ct
	ADD COLUMN IF NOT EXISTS l7_proto VARCHAR(64),
	ADD COLUMN IF NOT EXISTS l7_app VARCHAR(64),
	ADD COLUMN IF NOT EXISTS l7_category VARCHAR(64),
	ADD COLUMN IF NOT EXISTS l7_host VARCHAR(255),
	ADD COLUMN IF NOT EXISTS l7_risk TEXT,
	ADD COLUMN IF NOT EXISTS l7_guessed BOOLEAN,
	ADD COLUMN IF NOT EXISTS l7_pattern VARCHAR(64),
	ADD COLUMN IF NOT EXISTS l7_end VARCHAR(16),	-- L7's flows: fin ...
	ADD INDEX IF NOT EXISTS ulog_ct_by_l7 (l7_proto);

-- SPDX-License-Identifier: GPL-2.0-or-later
--
-- etc/sql/l7-pgsql.sql - upgrade: the L7 columns for an older database
--
-- pgsql.sql itself has the l7_* columns in ulog_pkt and ulog_ct now (a
-- new database gets them). This script is for a database made from an
-- older pgsql.sql, without them: it adds them. They are optional columns:
-- a stack without L7 writes NULL there (PGSQL makes every column of an
-- l7., geoip., blacklist. or scan. key optional), so adding them breaks no
-- stack; restart nfpiped afterwards (it reads the columns at start-up).
--     psql -d nfpipe -U nfpipe -f l7-pgsql.sql
-- Running it again changes nothing. Columns are key names, '.' as '_'.
-- Then run pgsql.sql again, which changes no table but remakes the view
-- ulog_pkt_time (the server expanded its SELECT * when it was made)
-- so that it shows the new columns too:
--     psql -d nfpipe -U nfpipe -f pgsql.sql
-- geoip-blacklist-pgsql.sql adds the GEOIP and BLACKLIST columns.
--
-- Earlier versions of this script also added oob_prefix to ulog_ct (the
-- prefix of the rule that logged the flow, which L7 copies onto NFCT's
-- records). It is a plain column, so a stack writing ulog_ct without L7
-- (or null_columns=1) is refused while it is there; pgsql.sql leaves it
-- out. Add it by hand where every such stack has L7:
--     ALTER TABLE ulog_ct ADD COLUMN IF NOT EXISTS oob_prefix varchar(128);

SET client_min_messages = warning;	-- "already exists, skipping" on reruns

ALTER TABLE ulog_pkt
	ADD COLUMN IF NOT EXISTS l7_proto varchar(64),	-- TLS, HTTP, DNS ...
	ADD COLUMN IF NOT EXISTS l7_app varchar(64),	-- Google in TLS.Google
	ADD COLUMN IF NOT EXISTS l7_category varchar(64),
	ADD COLUMN IF NOT EXISTS l7_host varchar(255),	-- Host, SNI, DNS name
	ADD COLUMN IF NOT EXISTS l7_risk text,		-- nDPI's risks, a,b,c
	ADD COLUMN IF NOT EXISTS l7_guessed boolean,	-- true: by port only
	ADD COLUMN IF NOT EXISTS l7_pattern varchar(64); -- the matching .pat

ALTER TABLE ulog_ct
	ADD COLUMN IF NOT EXISTS l7_proto varchar(64),
	ADD COLUMN IF NOT EXISTS l7_app varchar(64),
	ADD COLUMN IF NOT EXISTS l7_category varchar(64),
	ADD COLUMN IF NOT EXISTS l7_host varchar(255),
	ADD COLUMN IF NOT EXISTS l7_risk text,
	ADD COLUMN IF NOT EXISTS l7_guessed boolean,
	ADD COLUMN IF NOT EXISTS l7_pattern varchar(64),
	ADD COLUMN IF NOT EXISTS l7_end varchar(16);	-- L7's flows: fin ...
CREATE INDEX IF NOT EXISTS ulog_ct_by_l7 ON ulog_ct (l7_proto);

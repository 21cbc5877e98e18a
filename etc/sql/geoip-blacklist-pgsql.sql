-- SPDX-License-Identifier: GPL-2.0-or-later
--
-- etc/sql/geoip-blacklist-pgsql.sql - upgrade: the GEOIP and BLACKLIST
-- columns for an older database
--
-- pgsql.sql itself has the geoip_* and blacklist_* columns in ulog_pkt
-- and ulog_ct now (a new database gets them). This script is for a
-- database made from an older pgsql.sql, without them: it adds them.
-- They are optional columns: a stack without GEOIP or BLACKLIST writes
-- NULL there (PGSQL makes every column of an l7., geoip., blacklist. or
-- scan. key optional), so adding them breaks no stack; restart nfpiped
-- afterwards (it reads the columns at start-up).
--     psql -d nfpipe -U nfpipe -f geoip-blacklist-pgsql.sql
-- Running it again changes nothing.
-- Then run pgsql.sql again, which changes no table but remakes the view
-- ulog_pkt_time (the server expanded its SELECT * when it was made)
-- so that it shows the new columns too:
--     psql -d nfpipe -U nfpipe -f pgsql.sql
-- l7-pgsql.sql adds the L7 columns. Columns are key names, '.' as '_'.

SET client_min_messages = warning;	-- "already exists, skipping" on reruns

ALTER TABLE ulog_pkt
	ADD COLUMN IF NOT EXISTS geoip_src_country varchar(8),
	ADD COLUMN IF NOT EXISTS geoip_dst_country varchar(8),
	ADD COLUMN IF NOT EXISTS geoip_src_asn bigint,
	ADD COLUMN IF NOT EXISTS geoip_dst_asn bigint,
	ADD COLUMN IF NOT EXISTS geoip_src_asname text,
	ADD COLUMN IF NOT EXISTS geoip_dst_asname text,
	ADD COLUMN IF NOT EXISTS geoip_src_flags text,
	ADD COLUMN IF NOT EXISTS geoip_dst_flags text,
	ADD COLUMN IF NOT EXISTS blacklist_src text,
	ADD COLUMN IF NOT EXISTS blacklist_dst text,
	ADD COLUMN IF NOT EXISTS blacklist_src_desc text,
	ADD COLUMN IF NOT EXISTS blacklist_dst_desc text;

ALTER TABLE ulog_ct
	ADD COLUMN IF NOT EXISTS geoip_src_country varchar(8),
	ADD COLUMN IF NOT EXISTS geoip_dst_country varchar(8),
	ADD COLUMN IF NOT EXISTS geoip_src_asn bigint,
	ADD COLUMN IF NOT EXISTS geoip_dst_asn bigint,
	ADD COLUMN IF NOT EXISTS geoip_src_asname text,
	ADD COLUMN IF NOT EXISTS geoip_dst_asname text,
	ADD COLUMN IF NOT EXISTS geoip_src_flags text,
	ADD COLUMN IF NOT EXISTS geoip_dst_flags text,
	ADD COLUMN IF NOT EXISTS blacklist_src text,
	ADD COLUMN IF NOT EXISTS blacklist_dst text,
	ADD COLUMN IF NOT EXISTS blacklist_src_desc text,
	ADD COLUMN IF NOT EXISTS blacklist_dst_desc text;

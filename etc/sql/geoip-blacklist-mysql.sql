-- SPDX-License-Identifier: GPL-2.0-or-later
--
-- etc/sql/geoip-blacklist-mysql.sql - upgrade: the GEOIP and BLACKLIST
-- columns for an older database
--
-- mysql.sql itself has the geoip_* and blacklist_* columns in ulog_pkt
-- and ulog_ct now (a new database gets them). This script is for a
-- database made from an older mysql.sql, without them: it adds them.
-- They are optional columns: a stack without GEOIP or BLACKLIST writes
-- NULL there (MYSQL makes every column of an l7., geoip., blacklist. or
-- scan. key optional), so adding them breaks no stack; restart nfpiped
-- afterwards (it reads the columns at start-up).
--     mariadb nfpipe < geoip-blacklist-mysql.sql
-- Running it again changes nothing (MariaDB's ADD COLUMN IF NOT EXISTS).
-- Then run mysql.sql again, which changes no table but remakes the view
-- ulog_pkt_time (the server expanded its SELECT * when it was made)
-- so that it shows the new columns too:
--     mariadb nfpipe < mysql.sql
-- l7-mysql.sql adds the L7 columns. Columns are key names, '.' as '_'.

ALTER TABLE ulog_pkt
	ADD COLUMN IF NOT EXISTS geoip_src_country VARCHAR(8),
	ADD COLUMN IF NOT EXISTS geoip_dst_country VARCHAR(8),
	ADD COLUMN IF NOT EXISTS geoip_src_asn INT UNSIGNED,
	ADD COLUMN IF NOT EXISTS geoip_dst_asn INT UNSIGNED,
	ADD COLUMN IF NOT EXISTS geoip_src_asname VARCHAR(255),
	ADD COLUMN IF NOT EXISTS geoip_dst_asname VARCHAR(255),
	ADD COLUMN IF NOT EXISTS geoip_src_flags VARCHAR(64),
	ADD COLUMN IF NOT EXISTS geoip_dst_flags VARCHAR(64),
	ADD COLUMN IF NOT EXISTS blacklist_src VARCHAR(64),
	ADD COLUMN IF NOT EXISTS blacklist_dst VARCHAR(64),
	ADD COLUMN IF NOT EXISTS blacklist_src_desc VARCHAR(255),
	ADD COLUMN IF NOT EXISTS blacklist_dst_desc VARCHAR(255);

ALTER TABLE ulog_ct
	ADD COLUMN IF NOT EXISTS geoip_src_country VARCHAR(8),
	ADD COLUMN IF NOT EXISTS geoip_dst_country VARCHAR(8),
	ADD COLUMN IF NOT EXISTS geoip_src_asn INT UNSIGNED,
	ADD COLUMN IF NOT EXISTS geoip_dst_asn INT UNSIGNED,
	ADD COLUMN IF NOT EXISTS geoip_src_asname VARCHAR(255),
	ADD COLUMN IF NOT EXISTS geoip_dst_asname VARCHAR(255),
	ADD COLUMN IF NOT EXISTS geoip_src_flags VARCHAR(64),
	ADD COLUMN IF NOT EXISTS geoip_dst_flags VARCHAR(64),
	ADD COLUMN IF NOT EXISTS blacklist_src VARCHAR(64),
	ADD COLUMN IF NOT EXISTS blacklist_dst VARCHAR(64),
	ADD COLUMN IF NOT EXISTS blacklist_src_desc VARCHAR(255),
	ADD COLUMN IF NOT EXISTS blacklist_dst_desc VARCHAR(255);

-- SPDX-License-Identifier: GPL-2.0-or-later
--
-- etc/sql/geoip-blacklist-sqlite3.sql - upgrade: the GEOIP and BLACKLIST
-- columns for an older database
--
-- sqlite3.sql itself has the geoip_* and blacklist_* columns in ulog_pkt
-- and ulog_ct now (a new database gets them). This script is for a
-- database made from an older sqlite3.sql, without them: it adds them.
-- They are optional columns: a stack without GEOIP or BLACKLIST writes
-- NULL there (SQLITE3 makes every column of an l7., geoip., blacklist. or
-- scan. key optional), so adding them breaks no stack. Run it once:
--     sqlite3 /var/lib/nfpipe/nfpipe.db < geoip-blacklist-sqlite3.sql
-- (SQLite has no ADD COLUMN IF NOT EXISTS: on a database that has the
-- columns already every line fails, harmlessly.) l7-sqlite3.sql adds the
-- L7 columns the same way. Columns are key names, '.' as '_'.

ALTER TABLE ulog_pkt ADD COLUMN geoip_src_country TEXT; -- ISO 3166: DE, US
ALTER TABLE ulog_pkt ADD COLUMN geoip_dst_country TEXT;
ALTER TABLE ulog_pkt ADD COLUMN geoip_src_asn INTEGER;	-- AS number
ALTER TABLE ulog_pkt ADD COLUMN geoip_dst_asn INTEGER;
ALTER TABLE ulog_pkt ADD COLUMN geoip_src_asname TEXT;	-- its name
ALTER TABLE ulog_pkt ADD COLUMN geoip_dst_asname TEXT;
ALTER TABLE ulog_pkt ADD COLUMN geoip_src_flags TEXT;	-- anycast, ...
ALTER TABLE ulog_pkt ADD COLUMN geoip_dst_flags TEXT;
ALTER TABLE ulog_pkt ADD COLUMN blacklist_src TEXT;	-- the list's name
ALTER TABLE ulog_pkt ADD COLUMN blacklist_dst TEXT;
ALTER TABLE ulog_pkt ADD COLUMN blacklist_src_desc TEXT; -- its entry's text
ALTER TABLE ulog_pkt ADD COLUMN blacklist_dst_desc TEXT;

ALTER TABLE ulog_ct ADD COLUMN geoip_src_country TEXT;
ALTER TABLE ulog_ct ADD COLUMN geoip_dst_country TEXT;
ALTER TABLE ulog_ct ADD COLUMN geoip_src_asn INTEGER;
ALTER TABLE ulog_ct ADD COLUMN geoip_dst_asn INTEGER;
ALTER TABLE ulog_ct ADD COLUMN geoip_src_asname TEXT;
ALTER TABLE ulog_ct ADD COLUMN geoip_dst_asname TEXT;
ALTER TABLE ulog_ct ADD COLUMN geoip_src_flags TEXT;
ALTER TABLE ulog_ct ADD COLUMN geoip_dst_flags TEXT;
ALTER TABLE ulog_ct ADD COLUMN blacklist_src TEXT;
ALTER TABLE ulog_ct ADD COLUMN blacklist_dst TEXT;
ALTER TABLE ulog_ct ADD COLUMN blacklist_src_desc TEXT;
ALTER TABLE ulog_ct ADD COLUMN blacklist_dst_desc TEXT;

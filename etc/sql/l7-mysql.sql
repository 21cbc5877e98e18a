-- SPDX-License-Identifier: GPL-2.0-or-later
--
-- etc/sql/l7-mysql.sql - the L7 columns, added to mysql.sql's tables
--
-- The L7 filter labels packets (ulog_pkt) and conntrack flows (ulog_ct)
-- with their application protocol. Its columns are nullable and additive,
-- kept apart from mysql.sql because MYSQL refuses a stack that has no key
-- for one of its table's columns (unless null_columns=1): a stack without
-- L7 keeps writing the plain tables. Once a table has them, every stack
-- writing it must have L7 (or null_columns=1). After mysql.sql:
--     mariadb nfpipe < l7-mysql.sql
-- Running it again changes nothing (MariaDB's ADD COLUMN IF NOT EXISTS).

ALTER TABLE ulog_pkt
	ADD COLUMN IF NOT EXISTS l7_proto VARCHAR(64),	-- TLS, HTTP, DNS ...
	ADD COLUMN IF NOT EXISTS l7_app VARCHAR(64),	-- Google in TLS.Google
	ADD COLUMN IF NOT EXISTS l7_category VARCHAR(64),
	ADD COLUMN IF NOT EXISTS l7_host VARCHAR(255),	-- Host, SNI, DNS name
	ADD COLUMN IF NOT EXISTS l7_risk TEXT,		-- nDPI's risks, a,b,c
	ADD COLUMN IF NOT EXISTS l7_guessed BOOLEAN,	-- 1: by port only
	ADD COLUMN IF NOT EXISTS l7_pattern VARCHAR(64); -- the matching .pat

ALTER TABLE ulog_ct
	ADD COLUMN IF NOT EXISTS oob_prefix VARCHAR(128), -- first packet's
	ADD COLUMN IF NOT EXISTS l7_proto VARCHAR(64),
	ADD COLUMN IF NOT EXISTS l7_app VARCHAR(64),
	ADD COLUMN IF NOT EXISTS l7_category VARCHAR(64),
	ADD COLUMN IF NOT EXISTS l7_host VARCHAR(255),
	ADD COLUMN IF NOT EXISTS l7_risk TEXT,
	ADD COLUMN IF NOT EXISTS l7_guessed BOOLEAN,
	ADD COLUMN IF NOT EXISTS l7_pattern VARCHAR(64),
	ADD COLUMN IF NOT EXISTS l7_end VARCHAR(16),	-- L7's flows: fin ...
	ADD INDEX IF NOT EXISTS ulog_ct_by_l7 (l7_proto);

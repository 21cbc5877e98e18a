-- SPDX-License-Identifier: GPL-2.0-or-later
--
-- etc/sql/l7-pgsql.sql - the L7 columns, added to pgsql.sql's tables
--
-- The L7 filter labels packets (ulog_pkt) and conntrack flows (ulog_ct)
-- with their application protocol. Its columns are nullable and additive,
-- kept apart from pgsql.sql because PGSQL refuses a stack that has no key
-- for one of its table's columns (unless null_columns=1): a stack without
-- L7 keeps writing the plain tables. Once a table has them, every stack
-- writing it must have L7 (or null_columns=1). After pgsql.sql:
--     psql -d nfpipe -U nfpipe -f l7-pgsql.sql
-- Running it again changes nothing. Columns are key names, '.' as '_'.

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
	ADD COLUMN IF NOT EXISTS oob_prefix varchar(128), -- first packet's
	ADD COLUMN IF NOT EXISTS l7_proto varchar(64),
	ADD COLUMN IF NOT EXISTS l7_app varchar(64),
	ADD COLUMN IF NOT EXISTS l7_category varchar(64),
	ADD COLUMN IF NOT EXISTS l7_host varchar(255),
	ADD COLUMN IF NOT EXISTS l7_risk text,
	ADD COLUMN IF NOT EXISTS l7_guessed boolean,
	ADD COLUMN IF NOT EXISTS l7_pattern varchar(64),
	ADD COLUMN IF NOT EXISTS l7_end varchar(16);	-- L7's flows: fin ...
CREATE INDEX IF NOT EXISTS ulog_ct_by_l7 ON ulog_ct (l7_proto);

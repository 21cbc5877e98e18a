-- SPDX-License-Identifier: GPL-2.0-or-later
-- tests/data/report/ext.sql - values in the columns other plugins fill,
-- for the scans, l7, countries and blacklist reports (after fixture.sql
-- and report-lib.sh's ext_columns, which adds l7_*, geoip_*_country and
-- blacklist_* to ulog_pkt where the schema lacks them). The table
-- ulog_scan is SCAN's (etc/sql), made here if the schema lacks it.
UPDATE ulog_pkt SET l7_proto = 'SSH', l7_app = 'SSH', l7_host = NULL,
	geoip_src_country = 'FR', geoip_dst_country = 'DE',
	blacklist_src = 'spamhaus-drop'
	WHERE ip_saddr_str = '192.0.2.10';
UPDATE ulog_pkt SET l7_proto = 'HTTP', l7_app = 'Wikipedia',
	l7_host = 'en.wikipedia.org', geoip_src_country = 'US',
	geoip_dst_country = 'DE'
	WHERE ip_saddr_str = '198.51.100.7';
UPDATE ulog_pkt SET l7_proto = 'DNS', l7_app = 'DNS',
	l7_host = 'example.org', geoip_src_country = 'JP',
	geoip_dst_country = 'DE', blacklist_src = 'firehol-level1'
	WHERE ip_saddr_str = '203.0.113.5';
UPDATE ulog_pkt SET geoip_src_country = 'NL', blacklist_dst = 'spamhaus-drop'
	WHERE ip_saddr_str = '2001:db8::1';
CREATE TABLE IF NOT EXISTS ulog_scan (
	oob_time_sec	BIGINT,
	oob_family	INTEGER,
	ip_saddr_str	VARCHAR(45),
	ip_daddr_str	VARCHAR(45),
	scan_type	VARCHAR(16),
	scan_dl		INTEGER,
	scan_packets	INTEGER,
	scan_ports	INTEGER,
	scan_hosts	INTEGER,
	scan_port_min	INTEGER,
	scan_port_max	INTEGER,
	scan_first	BIGINT,
	scan_last	BIGINT
);
INSERT INTO ulog_scan (oob_time_sec, oob_family, ip_saddr_str, ip_daddr_str,
	scan_type, scan_dl, scan_packets, scan_ports, scan_hosts) VALUES
	(1796025700, 2, '192.0.2.10', '10.0.0.1', 'SYN', 2, 20, 18, 1),
	(1796025900, 2, '192.0.2.10', '10.0.0.2', 'SYN', 3, 150, 140, 2),
	(1796040000, 2, '192.0.2.99', '10.0.0.9', 'PINGSWEEP', 1, 12, 0, 12),
	(1796030000, 2, '203.0.113.5', '10.0.0.3', 'UDP', 4, 900, 800, 1);

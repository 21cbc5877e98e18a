-- SPDX-License-Identifier: GPL-2.0-or-later
-- tests/data/report/fixture.sql - known rows for tests/report-*.sh
-- Loaded after etc/sql/<db>.sql; plain SQL every database takes. Counts
-- never tie, so every database orders the reports alike.
INSERT INTO ulog_pkt (oob_time_sec, oob_time_usec, oob_prefix, oob_family,
	raw_pktlen, ip_saddr_str, ip_daddr_str, ip_protocol, tcp_dport,
	udp_dport) VALUES
	(1796025600, 0, 'DROP in', 2, 60, '192.0.2.10', '10.0.0.1', 6, 22, NULL),
	(1796025660, 0, 'DROP in', 2, 61, '192.0.2.10', '10.0.0.1', 6, 22, NULL),
	(1796025720, 0, 'DROP in', 2, 62, '192.0.2.10', '10.0.0.1', 6, 22, NULL),
	(1796025780, 0, 'DROP in', 2, 63, '192.0.2.10', '10.0.0.1', 6, 22, NULL),
	(1796025840, 0, 'DROP in', 2, 64, '192.0.2.10', '10.0.0.2', 6, 22, NULL),
	(1796025900, 0, 'DROP in', 2, 65, '192.0.2.10', '10.0.0.2', 6, 22, NULL),
	(1796029200, 0, 'ACCEPT web', 2, 1400, '198.51.100.7', '10.0.0.1', 6, 80, NULL),
	(1796029320, 0, 'ACCEPT web', 2, 1410, '198.51.100.7', '10.0.0.1', 6, 80, NULL),
	(1796029440, 0, 'ACCEPT web', 2, 1420, '198.51.100.7', '10.0.0.1', 6, 80, NULL),
	(1796029560, 0, 'ACCEPT web', 2, 1430, '198.51.100.7', '10.0.0.2', 6, 80, NULL),
	(1796032800, 0, 'DROP in', 2, 80, '203.0.113.5', '10.0.0.3', 17, NULL, 53),
	(1796032830, 0, 'DROP in', 2, 80, '203.0.113.5', '10.0.0.3', 17, NULL, 53),
	(1796032860, 0, 'DROP in', 2, 80, '203.0.113.5', '10.0.0.3', 17, NULL, 53),
	(1796036400, 0, 'DROP fwd', 10, 130, '2001:db8::1', '10.0.0.2', 6, 443, NULL),
	(1796037000, 0, 'DROP fwd', 10, 130, '2001:db8::1', '10.0.0.2', 6, 443, NULL),
	(1796040000, 0, 'DROP fwd', 10, 84, '192.0.2.99', '2001:db8::53', 1, NULL, NULL);
INSERT INTO ulog_ct (oob_family, orig_ip_saddr_str, orig_ip_daddr_str,
	orig_ip_protocol, orig_l4_sport, orig_l4_dport, orig_raw_pktlen,
	orig_raw_pktcount, reply_ip_saddr_str, reply_ip_daddr_str, reply_l4_sport,
	reply_raw_pktlen, reply_raw_pktcount, ct_event, flow_start_sec,
	flow_end_sec) VALUES
	(2, '10.0.0.5', '198.51.100.80', 6, 40000, 443, 5000, 20, '198.51.100.80', '203.0.113.1', 443, 90000, 70, 4, 1796025700, 1796026000),
	(2, '198.51.100.9', '203.0.113.1', 6, 50000, 80, 300, 5, '10.0.0.7', '198.51.100.9', 8080, 1200, 4, 4, 1796029300, 1796029310),
	(2, '10.0.0.6', '192.0.2.53', 17, 5353, 53, 70, 1, '192.0.2.53', '10.0.0.6', 53, 140, 1, 4, 1796032900, 1796032901),
	(2, '10.0.0.6', '192.0.2.54', 17, 5354, 53, 0, 0, '192.0.2.54', '10.0.0.6', 53, 0, 0, 1, 1796033000, NULL);

#!/usr/bin/perl
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tests/geoip-mmdb.pl FILE - a small GeoIP2-style mmdb for tests/geoip.sh
#
# Written with MaxMind's own writer (libmaxmind-db-writer-perl), IPv6 tree
# with IPv4 mapped, records shaped like GeoIP2 Country and ASN ones.
use strict;
use warnings;
use MaxMind::DB::Writer::Tree;

my %types = (
	country => 'map', registered_country => 'map', iso_code => 'utf8_string',
	traits => 'map', is_anonymous_proxy => 'boolean',
	is_satellite_provider => 'boolean', is_anycast => 'boolean',
	autonomous_system_number => 'uint32',
	autonomous_system_organization => 'utf8_string',
);
my $tree = MaxMind::DB::Writer::Tree->new(
	ip_version => 6, record_size => 28, database_type => 'nfpipe-Test',
	languages => ['en'], description => { en => 'nfpipe test' },
	map_key_type_callback => sub { $types{ $_[0] } },
	alias_ipv6_to_ipv4 => 1, remove_reserved_networks => 0,
);
$tree->insert_network('81.2.69.160/27', { country => { iso_code => 'GB' } });
$tree->insert_network('81.2.69.0/28', { country => { iso_code => 'GB' },
	traits => { is_anonymous_proxy => 1 } });
$tree->insert_network('2001:db8::/32', { country => { iso_code => 'DE' },
	traits => { is_anycast => 1 } });
$tree->insert_network('203.0.113.0/24', {
	registered_country => { iso_code => 'JP' },
	traits => { is_satellite_provider => 1 },
	autonomous_system_number => 64500,
	autonomous_system_organization => 'Example Net' });
$tree->insert_network('198.51.100.0/24', {
	autonomous_system_number => 64501,
	autonomous_system_organization => 'Other AS' });
open my $fh, '>:raw', $ARGV[0] or die "$ARGV[0]: $!";
$tree->write_tree($fh);
close $fh;

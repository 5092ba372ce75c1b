/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one reader and printer of IP addresses, CIDRs and MAC addresses. Result parsing, the
 * annotation's "ips" and "mac", the address restore after a rename and --verify all read text
 * through these, so one string means the same thing everywhere. Strict: the forms the kernel,
 * iproute2 and the CNI plugins print (for MACs, those Go's net.ParseMAC reads), nothing looser.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* Room for any address ip_addr_fmt prints, NUL included (INET6_ADDRSTRLEN). */
#define IP_ADDR_STRLEN 46
/* ... with "/128". */
#define IP_CIDR_STRLEN (IP_ADDR_STRLEN + 4)

#define MAC_ETH_LEN 6
#define MAC_EUI64_LEN 8
#define MAC_IB_LEN 20
#define MAC_MAX_LEN MAC_IB_LEN
/* Room for any MAC mac_addr_fmt prints, NUL included. */
#define MAC_STRLEN (MAC_MAX_LEN * 3)

/*
 * An IPv4 dotted quad (four decimal parts 0-255, no leading zeros) or an IPv6 address in RFC
 * 4291 text (either case, "::" and an embedded IPv4 part allowed). Never a zone id
 * ("fe80::1%eth0"), brackets, a prefix or white space. 0 with AF_INET or AF_INET6 and the
 * address (IPv4 in the first 4 bytes, the rest zero); -EINVAL for anything else.
 */
int ip_addr_parse(const char *s, int *ret_family, uint8_t ret_addr[16]);

/*
 * "address/length": an address as ip_addr_parse reads it, one '/', and the prefix length in
 * decimal: digits only, no sign, no white space, no leading zero ("0" itself is fine).
 * -EINVAL when it is not such text, -ERANGE when the length is over 32 (IPv4) or 128 (IPv6).
 * Host bits may be set and are kept as written: CNI results and the "ips" requests carry an
 * interface's address with its subnet ("10.0.0.2/24"). A caller that wants the network
 * masks it itself.
 */
int ip_cidr_parse(const char *s, int *ret_family, uint8_t ret_addr[16], uint8_t *ret_prefixlen);

/*
 * The text form (RFC 5952 for IPv6, what iproute2 prints), which ip_addr_parse reads back to
 * the same bytes. Returns buf; NULL with buf "" for a bad family or a buffer too small; NULL
 * when buf is NULL or len 0. ip_cidr_fmt: also NULL for a length out of range.
 */
const char *ip_addr_fmt(int family, const uint8_t addr[16], char *buf, size_t len);
const char *ip_cidr_fmt(int family, const uint8_t addr[16], unsigned prefixlen, char *buf,
			size_t len);

/*
 * A hardware address in the forms Go's net.ParseMAC takes (what upstream Multus and the Go
 * plugins accept in an annotation's "mac" and in results): pairs of hex digits (either case)
 * joined by ':' or by '-' ("0a:58:0a:f4:00:05", "0a-58-0a-f4-00-05"), or groups of four
 * joined by '.' ("0a58.0af4.0005"); one separator throughout; 6 octets (Ethernet), 8
 * (EUI-64) or 20 (IPoIB, as ib-sriov-cni reports it). No single digits, no bare hex, no white
 * space. Returns the number of octets with the octets in ret_mac, else -EINVAL. Compare MACs
 * by these octets, never by their text.
 */
int mac_addr_parse(const char *s, uint8_t ret_mac[MAC_MAX_LEN]);

/* n octets (1..MAC_MAX_LEN) in lower-case colon form. Returns buf; NULL as ip_addr_fmt does. */
const char *mac_addr_fmt(const uint8_t *mac, size_t n, char *buf, size_t len);

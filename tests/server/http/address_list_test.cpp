// Address ranges for --metrics-allow: IPv4 and IPv6 CIDR, bare addresses,
// IPv4-mapped IPv6 peers (a dual-stack listener's view of an IPv4 client),
// and text that is no range.
#include "http/address_list.hpp"

#include <catch2/catch.hpp>

using namespace chat::server;

TEST_CASE("an IPv4 range contains exactly its addresses", "[metrics][address]") {
  const auto r = parse_ip_range("10.1.0.0/16");
  REQUIRE(r);
  CHECK(r->contains("10.1.0.0"));
  CHECK(r->contains("10.1.255.255"));
  CHECK_FALSE(r->contains("10.2.0.1"));
  CHECK_FALSE(r->contains("11.1.0.1"));
  CHECK(r->contains("::ffff:10.1.2.3"));  // IPv4-mapped: the same client
  CHECK_FALSE(r->contains("::1"));
  CHECK_FALSE(r->contains("not an address"));
  CHECK_FALSE(r->contains(""));

  const auto host = parse_ip_range("127.0.0.2");
  REQUIRE(host);
  CHECK(host->contains("127.0.0.2"));
  CHECK_FALSE(host->contains("127.0.0.1"));

  const auto odd = parse_ip_range("192.168.7.129/25");  // host bits past the prefix are ignored
  REQUIRE(odd);
  CHECK(odd->contains("192.168.7.200"));
  CHECK_FALSE(odd->contains("192.168.7.127"));

  const auto all = parse_ip_range("0.0.0.0/0");
  REQUIRE(all);
  CHECK(all->contains("203.0.113.9"));
  CHECK_FALSE(all->contains("2001:db8::1"));
}

TEST_CASE("an IPv6 range contains exactly its addresses", "[metrics][address]") {
  const auto r = parse_ip_range("2001:db8:abcd::/48");
  REQUIRE(r);
  CHECK(r->contains("2001:db8:abcd::1"));
  CHECK(r->contains("2001:db8:abcd:ffff:ffff:ffff:ffff:ffff"));
  CHECK_FALSE(r->contains("2001:db8:abce::1"));
  CHECK_FALSE(r->contains("10.0.0.1"));

  const auto loopback = parse_ip_range("::1");
  REQUIRE(loopback);
  CHECK(loopback->contains("::1"));
  CHECK_FALSE(loopback->contains("::2"));

  const auto odd = parse_ip_range("fe80::1/121");  // a prefix inside a byte
  REQUIRE(odd);
  CHECK(odd->contains("fe80::7f"));
  CHECK_FALSE(odd->contains("fe80::80"));
  CHECK(parse_ip_range("fe80::/10")->contains("fe80::1%eth0"));  // a zone names the interface only
}

TEST_CASE("text that is no range is refused", "[metrics][address]") {
  for (const char* bad : {"", "any", "10.0.0.0/", "10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/8x", "10.0.0/8", "300.0.0.1",
                          "::1/129", "::1/", "fe80::1%eth0", "10.0.0.0/8/8", " 10.0.0.1", "10.0.0.1 "}) {
    INFO(bad);
    CHECK_FALSE(parse_ip_range(bad));
  }
}

TEST_CASE("an address list allows what any of its ranges contains", "[metrics][address]") {
  const address_list loopback({"127.0.0.0/8", "::1/128"});
  CHECK(loopback.allows("127.0.0.1"));
  CHECK(loopback.allows("127.9.9.9"));
  CHECK(loopback.allows("::1"));
  CHECK(loopback.allows("::ffff:127.0.0.1"));
  CHECK_FALSE(loopback.allows("192.0.2.1"));
  CHECK_FALSE(loopback.allows("?"));  // the listener's text for an unknown peer
  CHECK_FALSE(address_list({}).allows("127.0.0.1"));
}

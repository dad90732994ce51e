// parse_number: the one checked text-to-integer conversion of the tree (std::from_chars).
#include <climits>
#include <doctest/doctest.h>
#include <provision/util/number.hpp>

using namespace sc;

TEST_CASE("number: the whole text must be the number, or there is none") {
  CHECK(parse_number<int>("42") == 42);
  CHECK(parse_number<int>("-7") == -7);
  CHECK(parse_number<int>("0") == 0);
  for (const char *bad :
       {"", " 1", "1 ", "+1", "1x", "x1", "1.5", "0x10", "1e3", "--1", "-", "١٢"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_number<int>(bad).has_value());
  }
}

TEST_CASE("number: overflow is no number (where stoi threw out_of_range)") {
  CHECK(parse_number<int>("2147483647") == INT_MAX);
  CHECK_FALSE(parse_number<int>("2147483648").has_value());
  CHECK(parse_number<int>("-2147483648") == INT_MIN);
  CHECK_FALSE(parse_number<int>("-2147483649").has_value());
  CHECK_FALSE(parse_number<long long>("99999999999999999999999").has_value());
  CHECK(parse_number<unsigned long long>("18446744073709551615") == ULLONG_MAX);
  CHECK_FALSE(parse_number<unsigned long long>("18446744073709551616").has_value());
}

TEST_CASE("number: unsigned types refuse a sign instead of wrapping around") {
  CHECK_FALSE(parse_number<unsigned>("-1").has_value());
  CHECK_FALSE(parse_number<size_t>("-0").has_value());
}

TEST_CASE("number: other bases; ranges; ports") {
  CHECK(parse_number<size_t>("1a", 16) == 26);
  CHECK(parse_number<size_t>("FFFF", 16) == 65535);
  CHECK_FALSE(parse_number<size_t>("g", 16).has_value());
  CHECK_FALSE(parse_number<size_t>("ffffffffffffffffff", 16).has_value()); // > 64 bits
  CHECK(parse_number<unsigned>("0755", 8) == 0755);
  CHECK_FALSE(parse_number<unsigned>("8", 8).has_value());
  CHECK(parse_number_in<int>("30", 8, 30) == 30);
  CHECK_FALSE(parse_number_in<int>("31", 8, 30).has_value());
  CHECK_FALSE(parse_number_in<int>("7", 8, 30).has_value());
  CHECK(parse_port("1") == 1);
  CHECK(parse_port("65535") == 65535);
  for (const char *bad : {"0", "65536", "-22", "22/tcp", "", "2376 "}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_port(bad).has_value());
  }
}

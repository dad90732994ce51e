// The etcd advertise check: etcd's v2 client syncs to the client URLs the members advertise.
#include <doctest/doctest.h>
#include <provision/cluster/kv.hpp>

using namespace sc;

TEST_CASE("etcd advertise: the cluster's address among the client URLs is fine") {
  CHECK(etcd_advertise_problem({"http://192.168.99.2:8500"}, "192.168.99.2", 8500).empty());
  CHECK(etcd_advertise_problem({"http://127.0.0.1:2379", "http://192.168.99.2:8500/"},
                               "192.168.99.2", 8500)
            .empty());
}

TEST_CASE("etcd advertise: localhost, a container address or another port is the trap") {
  auto p = etcd_advertise_problem({"http://localhost:2379"}, "192.168.99.2", 8500);
  CHECK(p.find("etcd at 192.168.99.2:8500 advertises the client URL(s) [http://localhost:2379]") ==
        0);
  CHECK(p.find("--advertise-client-urls http://192.168.99.2:8500") != std::string::npos);
  CHECK_FALSE(etcd_advertise_problem({"http://172.17.0.2:2379"}, "192.168.99.2", 8500).empty());
  CHECK_FALSE(etcd_advertise_problem({"http://192.168.99.2:2379"}, "192.168.99.2", 8500).empty());
  CHECK_FALSE(etcd_advertise_problem({}, "192.168.99.2", 8500).empty());
}

// image_archive_tags: archives written by real tools — GNU tar (ustar, GNU long names) and
// Python's tarfile in PAX format — in the `docker save` layout (layers first, manifest.json last,
// as Docker writes it); normalize_image_ref against Docker's reference rules.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../support/temp_dir.hpp"
#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <provision/util/image_archive.hpp>
#include <provision/util/process.hpp>
#include <string>

using namespace sc;
namespace fs = std::filesystem;

namespace {
struct TempDir : test::TempDir {
  void write(const std::string &rel, const std::string &data) const {
    fs::create_directories((path / rel).parent_path());
    std::ofstream(path / rel, std::ios::binary) << data;
  }
};

void sh(const std::string &script) {
  auto r = run_process({"bash", "-c", script});
  REQUIRE(r);
  INFO(r->err);
  REQUIRE(r->exit_code == 0);
}

// A docker-save-like tree: one layer (big enough to span many blocks), its json, the manifest.
void docker_save_tree(const TempDir &d, const std::string &repo_tags_json,
                      const std::string &layer_dir) {
  d.write("src/" + layer_dir + "/VERSION", "1.0");
  d.write("src/" + layer_dir + "/layer.tar", std::string(200000, 'x'));
  d.write("src/cfg.json", "{}");
  d.write("src/manifest.json", R"([{"Config":"cfg.json","RepoTags":)" + repo_tags_json +
                                   R"(,"Layers":[")" + layer_dir + R"(/layer.tar"]}])");
}
} // namespace

TEST_CASE("image archive: GNU tar, manifest after the layers") {
  TempDir d;
  docker_save_tree(d, R"(["quay.io/coreos/etcd:v3.4.23"])", "2c57d1137fa8");
  sh("cd '" + d.path.string() +
     "/src' && tar --format=gnu -cf ../img.tar 2c57d1137fa8 cfg.json manifest.json");
  auto tags = image_archive_tags(d.path / "img.tar");
  REQUIRE(tags);
  CHECK(*tags == std::vector<std::string>{"quay.io/coreos/etcd:v3.4.23"});
}

TEST_CASE("image archive: several images and tags; GNU long names before the manifest") {
  TempDir d;
  std::string long_dir(150, 'a'); // > 100 characters: a GNU 'L' entry precedes it
  docker_save_tree(d, R"(["busybox:latest","busybox:1.36"])", long_dir);
  d.write("src/manifest.json",
          R"([{"Config":"cfg.json","RepoTags":["busybox:latest","busybox:1.36"],"Layers":[]},)"
          R"({"Config":"cfg.json","RepoTags":["swarmctl/hello:latest"],"Layers":[]}])");
  sh("cd '" + d.path.string() + "/src' && tar --format=gnu -cf ../img.tar " + long_dir +
     " cfg.json manifest.json");
  auto tags = image_archive_tags(d.path / "img.tar");
  REQUIRE(tags);
  CHECK(*tags ==
        std::vector<std::string>{"busybox:latest", "busybox:1.36", "swarmctl/hello:latest"});
}

TEST_CASE("image archive: PAX format (Python tarfile) with long paths") {
  TempDir d;
  std::string long_dir(180, 'b');
  docker_save_tree(d, R"(["swarm:latest"])", long_dir);
  sh("cd '" + d.path.string() +
     "/src' && python3 -c 'import tarfile,sys; "
     "t=tarfile.open(\"../img.tar\",\"w\",format=tarfile.PAX_FORMAT); "
     "[t.add(n) for n in sys.argv[1:]]; t.close()' " +
     long_dir + " cfg.json manifest.json");
  auto tags = image_archive_tags(d.path / "img.tar");
  REQUIRE(tags);
  CHECK(*tags == std::vector<std::string>{"swarm:latest"});
}

TEST_CASE("image archive: an image without tags gives an empty list") {
  TempDir d;
  d.write("src/manifest.json", R"([{"Config":"c.json","RepoTags":null,"Layers":[]}])");
  sh("cd '" + d.path.string() + "/src' && tar -cf ../img.tar manifest.json");
  auto tags = image_archive_tags(d.path / "img.tar");
  REQUIRE(tags);
  CHECK(tags->empty());
}

TEST_CASE("image archive: errors name the file and the reason") {
  TempDir d;
  d.write("notatar", std::string(2048, 'z'));
  auto r = image_archive_tags(d.path / "notatar");
  REQUIRE_FALSE(r);
  INFO(r.error().message);
  CHECK(r.error().message.find("not a tar archive") != std::string::npos);
  CHECK(r.error().message.find("notatar") != std::string::npos);

  d.write("src/other.txt", "hello");
  sh("cd '" + d.path.string() + "/src' && tar -cf ../nomanifest.tar other.txt");
  r = image_archive_tags(d.path / "nomanifest.tar");
  REQUIRE_FALSE(r);
  CHECK(r.error().message.find("no manifest.json") != std::string::npos);

  d.write("src/manifest.json", "{not json");
  sh("cd '" + d.path.string() + "/src' && tar -cf ../badjson.tar manifest.json");
  r = image_archive_tags(d.path / "badjson.tar");
  REQUIRE_FALSE(r);
  CHECK(r.error().message.find("manifest.json") != std::string::npos);

  sh("head -c 700 '" + (d.path / "nomanifest.tar").string() + "' > '" +
     (d.path / "short.tar").string() + "'");
  CHECK_FALSE(image_archive_tags(d.path / "short.tar"));
  CHECK_FALSE(image_archive_tags(d.path / "missing.tar"));
}

TEST_CASE("normalize_image_ref follows Docker's defaults") {
  CHECK(normalize_image_ref("swarm") == "docker.io/library/swarm:latest");
  CHECK(normalize_image_ref("swarm:latest") == "docker.io/library/swarm:latest");
  CHECK(normalize_image_ref("docker.io/library/swarm") == "docker.io/library/swarm:latest");
  CHECK(normalize_image_ref("progrium/consul") == "docker.io/progrium/consul:latest");
  CHECK(normalize_image_ref("quay.io/coreos/etcd:v3.4.23") == "quay.io/coreos/etcd:v3.4.23");
  CHECK(normalize_image_ref("localhost:5000/img") == "localhost:5000/img:latest");
  CHECK(normalize_image_ref("localhost/img:1") == "localhost/img:1");
  CHECK(normalize_image_ref("zookeeper:3.8") == "docker.io/library/zookeeper:3.8");
  CHECK(normalize_image_ref("busybox@sha256:abc") == "docker.io/library/busybox@sha256:abc");
  CHECK(normalize_image_ref("swarm:1.2") != normalize_image_ref("swarm"));
  CHECK(normalize_image_ref("docker.io/swarm") == "docker.io/library/swarm:latest");
  CHECK(normalize_image_ref("index.docker.io/library/swarm:1") == "docker.io/library/swarm:1");
  CHECK(normalize_image_ref("index.docker.io/progrium/consul") ==
        "docker.io/progrium/consul:latest");
}

TEST_CASE("image archive: a PAX size record overrides the header's size field") {
  // Go's archive/tar (what dockerd uses for `docker save`) writes entries over 8 GiB with size 0
  // in the header and the real size in a PAX record. Python writes the same when told to.
  TempDir d;
  d.write("src/big.bin", std::string(5000, 'q'));
  d.write("src/manifest.json", R"([{"Config":"c.json","RepoTags":["big:1"],"Layers":[]}])");
  sh("cd '" + d.path.string() +
     "/src' && python3 -c '\n"
     "import tarfile\n"
     "t=tarfile.open(\"../img.tar\",\"w\",format=tarfile.PAX_FORMAT)\n"
     "i=t.gettarinfo(\"big.bin\"); i.pax_headers={\"size\": str(i.size)}\n"
     "t.addfile(i, open(\"big.bin\",\"rb\"))\n"
     "t.add(\"manifest.json\"); t.close()'");
  // Zero the ustar size field of big.bin's own header (the second header, after the PAX one),
  // as Go does for huge entries: only the PAX record still says how long the entry is.
  sh("python3 - '" + (d.path / "img.tar").string() +
     "' <<'PY'\n"
     "import sys\n"
     "p=sys.argv[1]; b=bytearray(open(p,'rb').read())\n"
     "pax_len=int(b[124:136].split(b'\\0')[0].strip() or b'0',8)\n"
     "h=512+(pax_len+511)//512*512\n"
     "assert b[h:h+7]==b'big.bin', b[h:h+20]\n"
     "b[h+124:h+136]=b'00000000000\\0'\n"
     "b[h+148:h+156]=b'        '\n"
     "s=sum(b[h:h+512]); b[h+148:h+156]=('%06o' % s).encode()+b'\\0 '\n"
     "open(p,'wb').write(b)\n"
     "PY");
  auto tags = image_archive_tags(d.path / "img.tar");
  INFO((tags ? std::string() : tags.error().message));
  REQUIRE(tags);
  CHECK(*tags == std::vector<std::string>{"big:1"});
}

TEST_CASE("image archive: compressed archives (gzip, xz), as `docker load` takes them") {
  TempDir d;
  docker_save_tree(d, R"(["busybox:latest"])", "5d0da3dc9764");
  sh("cd '" + d.path.string() +
     "/src' && tar --format=posix -czf ../img.tar.gz 5d0da3dc9764 cfg.json manifest.json"
     " && tar --format=gnu -cJf ../img.tar.xz 5d0da3dc9764 cfg.json manifest.json");
  for (const char *f : {"img.tar.gz", "img.tar.xz"}) {
    INFO(f);
    auto tags = image_archive_tags(d.path / f);
    INFO((tags ? std::string() : tags.error().message));
    REQUIRE(tags);
    CHECK(*tags == std::vector<std::string>{"busybox:latest"});
  }
  // A compressed stream that is cut short is an error naming the file, not a crash.
  sh("head -c 300 '" + (d.path / "img.tar.gz").string() + "' > '" +
     (d.path / "cut.tar.gz").string() + "'");
  auto r = image_archive_tags(d.path / "cut.tar.gz");
  REQUIRE_FALSE(r);
  CHECK(r.error().message.find("cut.tar.gz") != std::string::npos);
}

TEST_CASE("image archive: a large gzip'ed layer is streamed, not held (max RSS bound)") {
  // 256 MiB of layer before the manifest; the reader must walk it in bounded memory. Measured
  // in a child: its peak RSS starts near the test process's current size.
  TempDir d;
  d.write("src/manifest.json", R"([{"Config":"c.json","RepoTags":["big:1"],"Layers":[]}])");
  sh("cd '" + d.path.string() +
     "/src' && head -c 268435456 /dev/zero > layer.tar && "
     "tar --format=posix -czf ../big.tar.gz layer.tar manifest.json && rm layer.tar");
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    rusage before{}, after{};
    ::getrusage(RUSAGE_SELF, &before);
    auto tags = image_archive_tags(d.path / "big.tar.gz");
    ::getrusage(RUSAGE_SELF, &after);
    bool right = tags && *tags == std::vector<std::string>{"big:1"};
    long grown_kib = after.ru_maxrss - before.ru_maxrss;
    ::_exit(!right ? 1 : grown_kib < 32 * 1024 ? 0 : 2);
  }
  int st = 0;
  REQUIRE(::waitpid(pid, &st, 0) == pid);
  REQUIRE(WIFEXITED(st));
  CHECK(WEXITSTATUS(st) == 0); // 1: wrong tags, 2: more than 32 MiB grown
}

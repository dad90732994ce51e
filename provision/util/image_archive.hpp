#pragma once
// Image archives in `docker save` format: which image references a tarball holds (its
// manifest.json's RepoTags), read with libarchive as a stream (any tar dialect, plain or
// compressed as `docker load` takes them) without reading the layers.
#include <filesystem>
#include <provision/util/result.hpp>
#include <string>
#include <vector>

namespace sc {

// RepoTags of every image in the archive, as written ("busybox:latest",
// "quay.io/coreos/etcd:v3.4.23").
Result<std::vector<std::string>> image_archive_tags(const std::filesystem::path &tarball);

// A reference in the form Docker compares: "swarm" -> "docker.io/library/swarm:latest",
// "user/img" -> "docker.io/user/img:latest", "quay.io/x/y:v1" unchanged. Digests are kept.
std::string normalize_image_ref(const std::string &ref);

} // namespace sc

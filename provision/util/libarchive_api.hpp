#pragma once
// libarchive, loaded when first needed (provision/util/dynlib.hpp): only the VirtualBox driver's
// userdata tar and seed ISO and the image archive reader (image_archive.hpp) use it, and linked at
// start-up it maps ~15 libraries (ICU, libxml2, compressors, libstdc++) into every command. The
// code calls archive_* as usual: this component defines each function swarmctl uses and forwards it
// to the library's.
#include <provision/util/result.hpp>

namespace sc::libarchive {

inline constexpr const char *k_soname = "libarchive.so.13";

// Loads libarchive once per process (thread-safe; $SWARMCTL_LIBARCHIVE overrides the SONAME).
// Call before any archive_* function; the error names the Debian package to install.
Status load();

} // namespace sc::libarchive

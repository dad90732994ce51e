#pragma once
// One template alias for every owned C pointer.
#include <memory>
#include <type_traits>

namespace sc {
template <auto Free> struct CDeleter {
  template <class T> void operator()(T *p) const noexcept {
    if (p) Free(p);
  }
};
template <class H, auto Free>
using CHandle = std::unique_ptr<std::remove_pointer_t<H>, CDeleter<Free>>;
} // namespace sc

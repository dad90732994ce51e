#pragma once
// OpenSSL's process-wide start-up for swarmctl's TLS clients, and its error codes as text.
// OpenSSL 3.0 loads its ~2000 error strings when a thread first touches its error queue — which
// every TLS context does — costing an `env` about 1 M instructions (an eighth of it) for texts it
// rarely prints. They are loaded here, on the first error printed.
#include <cstdint>
#include <string>

namespace sc::crypto {

// OPENSSL_init_ssl with `extra` init flags, without the system openssl.cnf (these clients only
// trust the store's CA), the exit-time cleanup (the process ends anyway; freeing the tables cost
// ~0.4 ms) or the error strings. The first call's flags win: call it before any other OpenSSL use.
void openssl_init(std::uint64_t extra = 0);

// The text of OpenSSL error `code` ("error:0A000086:SSL routines::certificate verify failed"),
// the strings loaded first if openssl_init left them out.
std::string openssl_error_text(unsigned long code);

} // namespace sc::crypto

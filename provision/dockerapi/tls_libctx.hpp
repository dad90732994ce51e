#pragma once
// OpenSSL set up for one short TLS client handshake, the `env`/`config` certificate check.
// OpenSSL 3.0 builds every algorithm of an operation on the first fetch of any of them (all ~130
// ciphers to use AES-GCM) and copies its whole legacy name table into each library context: about
// 1 ms of a 3 ms check. The check's context therefore sees the default provider through a filter
// that lists only what a TLS 1.2/1.3 client with EC or RSA certificates uses (lean_libctx.hpp, the
// same as libcurl's copy of OpenSSL gets for the engine API client).
#include <openssl/types.h>

namespace sc {

// The check's library context, made on first use; null when OpenSSL refused a step (the caller
// then uses the default context, as everything else in the process does). The first call also
// initialises OpenSSL for the process (crypto::openssl_init) without the legacy cipher/digest
// name table, and makes the context's random generators HASH-DRBG (SHA-256) instead of CTR-DRBG,
// whose AES cipher would again build every cipher.
OSSL_LIB_CTX *tls_check_libctx();

// Registers the SHA-1/SHA-2 digests in that legacy table, where certificate signature checks look
// their digest up by id: called before a chain is verified (a resumed check verifies none, and
// each name registered up front cost it ~35 k instructions).
void tls_check_add_digests();

} // namespace sc

#pragma once
// OpenSSL set up for one short TLS client handshake, the `env`/`config` certificate check.
// OpenSSL 3.0 builds every algorithm of an operation on the first fetch of any of them (all ~130
// ciphers to use AES-GCM) and copies its whole legacy name table into each library context: about
// 1 ms of a 3 ms check. The check's context therefore sees the default provider through a filter
// that lists only what a TLS 1.2/1.3 client with EC or RSA certificates uses.
#include <openssl/types.h>

namespace sc {

// The check's library context, made on first use; null when OpenSSL refused a step (the caller
// then uses the default context, as everything else in the process does). The first call also
// initialises OpenSSL for the process (crypto::openssl_init) without
// the legacy cipher/digest name table (the SHA-1/SHA-2 digests certificate checks look up by name
// are registered), and makes both contexts' random generators HASH-DRBG (SHA-256) instead of
// CTR-DRBG, whose AES cipher would again build every cipher.
OSSL_LIB_CTX *tls_check_libctx();

} // namespace sc

// OpenSSL 3.0's loader of all its error strings runs once, and is spent by
// OPENSSL_INIT_NO_LOAD_CRYPTO_STRINGS; the per-library loaders below (deprecated, still exported)
// fill the same table later. Only the provider/decoder/encoder libraries have none: their codes
// then print their library and reason numbers.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/asn1err.h>
#include <openssl/bioerr.h>
#include <openssl/bnerr.h>
#include <openssl/buffererr.h>
#include <openssl/cryptoerr.h>
#include <openssl/ecerr.h>
#include <openssl/err.h>
#include <openssl/evperr.h>
#include <openssl/kdferr.h>
#include <openssl/objectserr.h>
#include <openssl/pemerr.h>
#include <openssl/randerr.h>
#include <openssl/rsaerr.h>
#include <openssl/ssl.h>
#include <openssl/sslerr.h>
#include <openssl/storeerr.h>
#include <openssl/x509err.h>
#include <openssl/x509v3err.h>

#include <mutex>
#include <provision/crypto/openssl_text.hpp>

namespace sc::crypto {

void openssl_init(std::uint64_t extra) {
  OPENSSL_init_ssl(OPENSSL_INIT_NO_LOAD_CONFIG | OPENSSL_INIT_NO_ATEXIT |
                       OPENSSL_INIT_NO_LOAD_CRYPTO_STRINGS | OPENSSL_INIT_NO_LOAD_SSL_STRINGS |
                       extra,
                   nullptr);
}

std::string openssl_error_text(unsigned long code) {
  static std::once_flag once;
  std::call_once(once, [] {
    for (auto load :
         {ERR_load_ERR_strings, ERR_load_ASN1_strings, ERR_load_BIO_strings, ERR_load_BN_strings,
          ERR_load_BUF_strings, ERR_load_CRYPTO_strings, ERR_load_EC_strings, ERR_load_EVP_strings,
          ERR_load_KDF_strings, ERR_load_OBJ_strings, ERR_load_OSSL_STORE_strings,
          ERR_load_PEM_strings, ERR_load_RAND_strings, ERR_load_RSA_strings, ERR_load_SSL_strings,
          ERR_load_X509_strings, ERR_load_X509V3_strings})
      (void)load();
  });
  char buf[256];
  ERR_error_string_n(code, buf, sizeof buf);
  return buf;
}

} // namespace sc::crypto

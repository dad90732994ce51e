#pragma once
// libcurl's OpenSSL: the shared libssl.so.3 that libcurl loads, a copy apart from the OpenSSL
// linked into the binary. Left alone, it reads the system openssl.cnf, builds all ~130 ciphers and
// every key decoder on the first TLS connection, and libcurl (7.88) makes a new SSL_CTX per
// connection, reading and parsing the CA, certificate and key files each time (`ls` did so per
// machine). Here it is set up as the binary's own copy is for env's check (lean_libctx.hpp), and
// the client's files are parsed once per process.
#include <curl/curl.h>

#include <provision/http/http.hpp>

namespace sc::curl {

// Called once, after libcurl is loaded and before curl_global_init: when libcurl's TLS is OpenSSL
// 3, initialises that copy lean (no openssl.cnf, no exit-time cleanup, no legacy name table,
// HASH-DRBG) and makes a lean library context for mutual-TLS requests. Otherwise (another TLS
// library, symbols missing) nothing: requests then run on libcurl's defaults.
void prepare_openssl(const curl_version_info_data *info);

// Mutual TLS for the easy handle `c` from `tls`'s PEM files, parsed once per process for the same
// bytes (the machines of a store hold copies of the same three files) and handed to each SSL_CTX
// libcurl makes, through CURLOPT_SSL_CTX_FUNCTION: libcurl reads no CA, certificate or key file
// itself. The files are
// read at the first handshake (an engine that is down is reported without reading them); a CA
// that cannot be read fails it with CURLE_SSL_CACERT_BADFILE, a certificate or key with
// CURLE_SSL_CERTPROBLEM. False (nothing set) when prepare_openssl found no OpenSSL 3: the caller
// then gives libcurl the files. `tls` must outlive the transfer.
bool use_client_files(CURL *c, const HttpClientTls &tls, decltype(&::curl_easy_setopt) setopt);

// While alive, libcurl's OpenSSL uses the lean context as the calling thread's default (libcurl
// makes its SSL_CTX in the default context); the previous default comes back at the end. Does
// nothing without a lean context.
class LeanScope {
public:
  LeanScope();
  ~LeanScope();
  LeanScope(const LeanScope &) = delete;
  LeanScope &operator=(const LeanScope &) = delete;

private:
  void *m_previous = nullptr;
  bool m_set = false;
};

} // namespace sc::curl

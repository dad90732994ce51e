#pragma once
// The certificate authority of a store (certs/ca.pem + ca-key.pem) and the certificates it
// issues: the user's client certificate and one server certificate per machine. Keys are ECDSA
// P-256; subjects, usages and validity follow docker-machine (O=$USER..., 1080 days).
#include <chrono>
#include <filesystem>
#include <provision/util/result.hpp>
#include <string>
#include <vector>

namespace sc {

// A certificate name swarmctl accepts: a DNS name (letters, digits, '-', '.', '_', '*') or an IP.
bool valid_san(const std::string &s);
namespace fs = std::filesystem;

// Where a CA and the client certificate live: the store's certs/ (in_dir), or the files given
// with --tls-ca-cert, --tls-ca-key, --tls-client-cert and --tls-client-key.
struct CertPaths {
  fs::path ca, ca_key, client_cert, client_key;
  static CertPaths in_dir(const fs::path &dir); // ca.pem, ca-key.pem, cert.pem, key.pem
};

class CertAuthority {
public:
  // Creates certs_dir (0700), the CA and the client certificate when missing; paths of the files
  // created are appended to `created`. An expired CA is recreated.
  static Result<CertAuthority> load_or_create(const fs::path &certs_dir, const std::string &org,
                                              std::vector<std::string> *created = nullptr);
  // The same with each file where `paths` says (docker-machine's BootstrapCertificates: a missing
  // CA or client certificate is created there). A CA key that does not match the CA certificate
  // is refused.
  static Result<CertAuthority> load_or_create(const CertPaths &paths, const std::string &org,
                                              std::vector<std::string> *created = nullptr);
  // Issues a server certificate: IP SANs for addresses, DNS SANs otherwise; ServerAuth
  // (+ClientAuth when client_auth). Key 0600, certificate 0644, written atomically.
  Status issue_server_cert(const std::string &org, const std::vector<std::string> &sans,
                           bool client_auth, const fs::path &cert_out,
                           const fs::path &key_out) const;
  const fs::path &dir() const { return m_dir; }

private:
  fs::path m_dir;
  std::string m_ca_pem, m_ca_key_pem;
};

struct CertInfo {
  std::string org, common_name;
  std::vector<std::string> ip_sans, dns_sans;
  bool is_ca = false;
  bool ku_cert_sign = false, ku_digital_signature = false, ku_key_encipherment = false;
  bool eku_server_auth = false, eku_client_auth = false;
  std::chrono::system_clock::time_point not_before, not_after;
};

Result<CertInfo> parse_cert_pem(std::string_view pem);
Status verify_cert_chain(std::string_view ca_pem, std::string_view cert_pem);

} // namespace sc

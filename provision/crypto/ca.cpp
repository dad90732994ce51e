#include <arpa/inet.h>
#include <cctype>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <fmt/format.h>
#include <provision/crypto/ca.hpp>
#include <provision/crypto/openssl_text.hpp>
#include <provision/util/c_handle.hpp>
#include <provision/util/fs.hpp>
#include <provision/util/net.hpp>

namespace sc {
namespace {

using Pkey = CHandle<EVP_PKEY *, EVP_PKEY_free>;
using X509H = CHandle<X509 *, X509_free>;
using BioH = CHandle<BIO *, BIO_free_all>;

constexpr long k_validity_days = 1080;

std::string ssl_error() {
  return crypto::openssl_error_text(ERR_get_error());
}

Result<Pkey> new_key() {
  Pkey k(EVP_EC_gen("P-256"));
  if (!k) return fail(Errc::generic, "generate key: " + ssl_error());
  return k;
}

std::string key_pem(EVP_PKEY *k) {
  BioH b(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(b.get(), k, nullptr, nullptr, 0, nullptr, nullptr);
  char *data = nullptr;
  long n = BIO_get_mem_data(b.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

std::string cert_pem(X509 *c) {
  BioH b(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(b.get(), c);
  char *data = nullptr;
  long n = BIO_get_mem_data(b.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

Result<X509H> read_cert(std::string_view pem) {
  BioH b(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  X509H c(PEM_read_bio_X509(b.get(), nullptr, nullptr, nullptr));
  if (!c) return fail(Errc::parse, "not a PEM certificate");
  return c;
}

Result<Pkey> read_key(std::string_view pem) {
  BioH b(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  Pkey k(PEM_read_bio_PrivateKey(b.get(), nullptr, nullptr, nullptr));
  if (!k) return fail(Errc::parse, "not a PEM private key");
  return k;
}

void add_ext(X509 *cert, X509 *issuer, int nid, const std::string &value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION *ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (ext) {
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
  }
}
} // namespace

// A DNS name (letters, digits, '-', '.', '_', a leading "*.") or an IP address.
bool valid_san(const std::string &s) {
  if (s.empty() || s.size() > 253) return false;
  if (is_ip_address(s)) return true;
  for (char ch : s)
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-' && ch != '.' && ch != '_' &&
        ch != '*')
      return false;
  return true;
}

namespace {

// Builds and signs a certificate. issuer == nullptr: self-signed.
Result<X509H> make_cert(EVP_PKEY *key, const std::string &org, X509 *issuer, EVP_PKEY *issuer_key,
                        const std::string &key_usage, const std::string &ext_key_usage, bool is_ca,
                        const std::vector<std::string> &sans) {
  X509H c(X509_new());
  X509_set_version(c.get(), 2);
  unsigned char serial[16];
  RAND_bytes(serial, sizeof serial);
  serial[0] &= 0x7f;
  CHandle<BIGNUM *, BN_free> bn(BN_bin2bn(serial, sizeof serial, nullptr));
  BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(c.get()));
  // notBefore = now - 5 min, like docker-machine (clock skew between hosts).
  X509_gmtime_adj(X509_getm_notBefore(c.get()), -300);
  X509_time_adj_ex(X509_getm_notAfter(c.get()), static_cast<int>(k_validity_days), -300, nullptr);
  X509_set_pubkey(c.get(), key);
  X509_NAME *name = X509_get_subject_name(c.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char *>(org.c_str()), -1, -1, 0);
  X509_set_issuer_name(c.get(), issuer ? X509_get_subject_name(issuer) : name);
  X509 *iss = issuer ? issuer : c.get();
  add_ext(c.get(), iss, NID_basic_constraints, is_ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
  add_ext(c.get(), iss, NID_key_usage, "critical," + key_usage);
  if (!ext_key_usage.empty()) add_ext(c.get(), iss, NID_ext_key_usage, ext_key_usage);
  add_ext(c.get(), iss, NID_subject_key_identifier, "hash");
  if (issuer) add_ext(c.get(), iss, NID_authority_key_identifier, "keyid:always");
  if (!sans.empty()) {
    std::string v;
    for (const auto &s : sans) {
      // The list is an OpenSSL config string: a ',' or ':' in a name would add other SANs.
      if (!valid_san(s))
        return fail(
            Errc::usage,
            fmt::format("invalid certificate name (SAN) \"{}\": use a DNS name or an IP address",
                        s));
      if (!v.empty()) v += ",";
      v += (is_ip_address(s) ? "IP:" : "DNS:") + s;
    }
    add_ext(c.get(), iss, NID_subject_alt_name, v);
  }
  if (!X509_sign(c.get(), issuer_key ? issuer_key : key, EVP_sha256()))
    return fail(Errc::generic, "sign certificate: " + ssl_error());
  return c;
}

bool expired(X509 *c) {
  return X509_cmp_current_time(X509_get0_notAfter(c)) <= 0;
}

} // namespace

CertPaths CertPaths::in_dir(const fs::path &dir) {
  return CertPaths{dir / "ca.pem", dir / "ca-key.pem", dir / "cert.pem", dir / "key.pem"};
}

Result<CertAuthority> CertAuthority::load_or_create(const fs::path &dir, const std::string &org,
                                                    std::vector<std::string> *created) {
  SC_TRY(ensure_dir(dir, 0700));
  auto ca = load_or_create(CertPaths::in_dir(dir), org, created);
  if (ca) ca->m_dir = dir;
  return ca;
}

Result<CertAuthority> CertAuthority::load_or_create(const CertPaths &paths, const std::string &org,
                                                    std::vector<std::string> *created) {
  CertAuthority ca;
  ca.m_dir = paths.ca.parent_path();
  const auto &ca_path = paths.ca, &key_path = paths.ca_key;
  const auto &cert_path = paths.client_cert, &ckey_path = paths.client_key;
  auto ca_txt = read_file(ca_path);
  auto key_txt = read_file(key_path);
  bool recreate = !ca_txt;
  if (ca_txt && key_txt) {
    auto c = read_cert(*ca_txt);
    if (!c) return fail(c.error().context(ca_path.string()));
    auto k = read_key(*key_txt);
    if (!k) return fail(k.error().context(key_path.string()));
    // A CA given with --tls-ca-cert and a key from elsewhere would sign certificates that
    // nothing verifies.
    if (X509_check_private_key(c->get(), k->get()) != 1)
      return fail(Errc::usage, fmt::format("the CA key {} does not belong to the CA certificate {}",
                                           key_path.string(), ca_path.string()));
    if (expired(c->get())) recreate = true;
  } else if (!ca_txt && key_txt) {
    return fail(Errc::generic,
                fmt::format("certificate authority key already exists: {} (without {})",
                            key_path.string(), ca_path.string()));
  } else if (ca_txt && !key_txt) {
    return fail(Errc::generic, fmt::format("CA key {} is missing", key_path.string()));
  }
  if (recreate) {
    auto k = new_key();
    if (!k) return fail(k.error());
    auto c = make_cert(k->get(), org, nullptr, nullptr,
                       "keyEncipherment,digitalSignature,keyAgreement,keyCertSign", "", true, {});
    if (!c) return fail(c.error());
    SC_TRY(atomic_write(key_path, key_pem(k->get()), 0600));
    SC_TRY(atomic_write(ca_path, cert_pem(c->get()), 0644));
    if (created) created->push_back(ca_path.string());
    std::error_code ec;
    fs::remove(cert_path, ec); // a client certificate of the old CA is useless
    fs::remove(ckey_path, ec);
    ca_txt = cert_pem(c->get());
    key_txt = key_pem(k->get());
  }
  ca.m_ca_pem = *ca_txt;
  ca.m_ca_key_pem = *key_txt;
  std::error_code ec2;
  bool have_cert = fs::exists(cert_path, ec2), have_key = fs::exists(ckey_path, ec2);
  if (!have_cert || !have_key) {
    if (!have_cert && have_key)
      return fail(Errc::generic, fmt::format("client key already exists: {}", ckey_path.string()));
    auto cak = read_key(ca.m_ca_key_pem);
    auto cac = read_cert(ca.m_ca_pem);
    if (!cak || !cac) return fail(Errc::parse, "the store CA cannot be read");
    auto k = new_key();
    if (!k) return fail(k.error());
    auto c = make_cert(k->get(), org + ".<bootstrap>", cac->get(), cak->get(), "digitalSignature",
                       "clientAuth", false, {});
    if (!c) return fail(c.error());
    SC_TRY(atomic_write(ckey_path, key_pem(k->get()), 0600));
    SC_TRY(atomic_write(cert_path, cert_pem(c->get()), 0644));
    if (created) created->push_back(cert_path.string());
  }
  return ca;
}

Status CertAuthority::issue_server_cert(const std::string &org,
                                        const std::vector<std::string> &sans, bool client_auth,
                                        const fs::path &cert_out, const fs::path &key_out) const {
  auto cak = read_key(m_ca_key_pem);
  auto cac = read_cert(m_ca_pem);
  if (!cak || !cac) return fail(Errc::parse, "the store CA cannot be read");
  auto k = new_key();
  if (!k) return fail(k.error());
  auto c = make_cert(k->get(), org, cac->get(), cak->get(),
                     "digitalSignature,keyEncipherment,keyAgreement",
                     client_auth ? "serverAuth,clientAuth" : "serverAuth", false, sans);
  if (!c) return fail(c.error());
  SC_TRY(atomic_write(key_out, key_pem(k->get()), 0600));
  SC_TRY(atomic_write(cert_out, cert_pem(c->get()), 0644));
  return ok();
}

Result<CertInfo> parse_cert_pem(std::string_view pem) {
  auto c = read_cert(pem);
  if (!c) return fail(c.error());
  CertInfo info;
  X509 *x = c->get();
  char buf[512];
  if (X509_NAME_get_text_by_NID(X509_get_subject_name(x), NID_organizationName, buf, sizeof buf) >
      0)
    info.org = buf;
  if (X509_NAME_get_text_by_NID(X509_get_subject_name(x), NID_commonName, buf, sizeof buf) > 0)
    info.common_name = buf;
  auto *names =
      static_cast<GENERAL_NAMES *>(X509_get_ext_d2i(x, NID_subject_alt_name, nullptr, nullptr));
  if (names) {
    for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
      const GENERAL_NAME *g = sk_GENERAL_NAME_value(names, i);
      if (g->type == GEN_DNS) {
        info.dns_sans.emplace_back(
            reinterpret_cast<const char *>(ASN1_STRING_get0_data(g->d.dNSName)),
            ASN1_STRING_length(g->d.dNSName));
      } else if (g->type == GEN_IPADD) {
        const unsigned char *d = ASN1_STRING_get0_data(g->d.iPAddress);
        int len = ASN1_STRING_length(g->d.iPAddress);
        char ip[INET6_ADDRSTRLEN] = {};
        inet_ntop(len == 4 ? AF_INET : AF_INET6, d, ip, sizeof ip);
        info.ip_sans.push_back(ip);
      }
    }
    GENERAL_NAMES_free(names);
  }
  info.is_ca = X509_check_ca(x) > 0;
  uint32_t ku = X509_get_key_usage(x);
  info.ku_cert_sign = ku & KU_KEY_CERT_SIGN;
  info.ku_digital_signature = ku & KU_DIGITAL_SIGNATURE;
  info.ku_key_encipherment = ku & KU_KEY_ENCIPHERMENT;
  uint32_t eku = X509_get_extended_key_usage(x);
  info.eku_server_auth = eku != UINT32_MAX && (eku & XKU_SSL_SERVER);
  info.eku_client_auth = eku != UINT32_MAX && (eku & XKU_SSL_CLIENT);
  struct tm t {};
  ASN1_TIME_to_tm(X509_get0_notBefore(x), &t);
  info.not_before = std::chrono::system_clock::from_time_t(timegm(&t));
  ASN1_TIME_to_tm(X509_get0_notAfter(x), &t);
  info.not_after = std::chrono::system_clock::from_time_t(timegm(&t));
  return info;
}

Status verify_cert_chain(std::string_view ca_pem, std::string_view cert_pem_text) {
  auto ca = read_cert(ca_pem);
  auto c = read_cert(cert_pem_text);
  if (!ca || !c) return fail(Errc::parse, "not a PEM certificate");
  CHandle<X509_STORE *, X509_STORE_free> store(X509_STORE_new());
  X509_STORE_add_cert(store.get(), ca->get());
  CHandle<X509_STORE_CTX *, X509_STORE_CTX_free> ctx(X509_STORE_CTX_new());
  X509_STORE_CTX_init(ctx.get(), store.get(), c->get(), nullptr);
  if (X509_verify_cert(ctx.get()) != 1)
    return fail(Errc::auth, std::string("x509: ") +
                                X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx.get())));
  return ok();
}

} // namespace sc

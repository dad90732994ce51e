#include <arpa/inet.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <provision/dockerapi/peer_names.hpp>
#include <provision/util/c_handle.hpp>

namespace sc {
namespace {

std::string general_name(const GENERAL_NAME *g) {
  if (g->type == GEN_DNS)
    return std::string(reinterpret_cast<const char *>(ASN1_STRING_get0_data(g->d.dNSName)),
                       static_cast<size_t>(ASN1_STRING_length(g->d.dNSName)));
  if (g->type != GEN_IPADD) return "";
  int len = ASN1_STRING_length(g->d.iPAddress);
  if (len != 4 && len != 16) return "";
  char ip[INET6_ADDRSTRLEN] = {};
  inet_ntop(len == 4 ? AF_INET : AF_INET6, ASN1_STRING_get0_data(g->d.iPAddress), ip, sizeof ip);
  return ip;
}

} // namespace

std::string certificate_names(X509 *cert) {
  std::string out;
  CHandle<GENERAL_NAMES *, GENERAL_NAMES_free> sans(
      static_cast<GENERAL_NAMES *>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
  if (!sans) return out;
  for (int i = 0; i < sk_GENERAL_NAME_num(sans.get()); ++i) {
    std::string n = general_name(sk_GENERAL_NAME_value(sans.get(), i));
    if (!n.empty()) out += (out.empty() ? "" : ", ") + n;
  }
  return out;
}

std::string pem_certificate_names(std::string_view pem) {
  CHandle<BIO *, BIO_free> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return "";
  CHandle<X509 *, X509_free> cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  return cert ? certificate_names(cert.get()) : "";
}

} // namespace sc

#pragma once
// The names a server's certificate is valid for, as docker-machine's errors list them.
#include <openssl/x509.h>

#include <string>
#include <string_view>

namespace sc {

// The subjectAltName entries of `cert` in their order, DNS names as written and IP addresses as
// inet_ntop prints them, joined with ", " ("localhost, 10.0.0.5"); "" when it has none.
std::string certificate_names(X509 *cert);
// The same for a PEM certificate; "" when `pem` holds none.
std::string pem_certificate_names(std::string_view pem);

} // namespace sc

#pragma once
// Removing a machine: what its driver made, then its record.
#include <provision/machine/machine.hpp>
#include <string>

namespace sc {

// Removes machine `name`: the driver's remove() (everything the record names, also after an
// interrupted create), then the record. Refused while another process is creating it. `force`: a
// record that cannot be loaded, or whose host the driver fails to remove, is removed all the
// same, the driver's error going to *warning. A record that cannot be deleted is an error always.
Status remove_machine(Services &s, const std::string &name, bool force, std::string *warning);

} // namespace sc

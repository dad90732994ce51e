"""Output formats of VirtualBox's VBoxManage, for the stand-in tests/e2e/virtualbox/VBoxManage.

Every layout here follows VirtualBox's own source (VBoxManage 6.1 and 7.x print the same for
these commands; 7.x only added translation hooks):
  - list hostonlyifs: VBoxManageList.cpp listNetworkInterfaces
  - list dhcpservers: VBoxManageList.cpp listDhcpServers + showDhcpConfig ("Individual Config:
    VM NIC: <machine uuid> slot <nic-1>, MAC <%RTmac>", "    Fixed Address:    <ip>"; servers
    separated by one blank line, none after the last)
  - showvminfo --machinereadable: VBoxManageInfo.cpp outputMachineReadableString ('"' and '\\'
    escaped with a backslash)
  - errors: "VBoxManage: error: " lines (IPRT RTMsgError); API failures add Main/glue/
    errorprint.cpp's "Details: code <name> (0x<hex>), component ..., interface ..." line; syntax
    errors (VBoxManageHelp.cpp errorSyntax) print the logo first and exit with 2.
"""
import sys

LEASES = ("    minLeaseTime:     default\n    defaultLeaseTime: default\n"
          "    maxLeaseTime:     default\n    Forced options:   None\n    Suppressed opts.: None\n")


def error(msg, code=1):
    sys.stderr.write("VBoxManage: error: %s\n" % msg)
    sys.exit(code)


def api_error(msg, code_name, code_hex, component, interface, context=None):
    """A failed API call: message, Details line (untranslated), optional Context line."""
    sys.stderr.write("VBoxManage: error: %s\nVBoxManage: error: Details: code %s (%s), component %s, "
                     "interface %s, callee nsISupports\n" % (msg, code_name, code_hex, component, interface))
    if context:
        sys.stderr.write("VBoxManage: error: Context: %s\n" % context)
    sys.exit(1)


def vm_not_found(name):
    api_error("Could not find a registered machine named '%s'" % name, "VBOX_E_OBJECT_NOT_FOUND",
              "0x80bb0001", "VirtualBoxWrap", "IVirtualBox",
              '"FindMachine(Bstr(VMNameOrUuid).raw(), machine.asOutParam())" at line 2719 of file VBoxManageInfo.cpp')


def syntax_error(version, msg, usage):
    sys.stderr.write("Oracle VM VirtualBox Command Line Management Interface Version %s\n"
                     "(C) 2005-2021 Oracle Corporation\nAll rights reserved.\n\n"
                     "VBoxManage: error: %s\n\nUsage:\n\n%s\n" % (version.split("r")[0], msg, usage))
    sys.exit(2)


def mr_string(name, value):
    """name="value" as showvminfo --machinereadable writes it; names with '=' are quoted."""
    esc = lambda s: s.replace("\\", "\\\\").replace('"', '\\"')
    key = '"%s"' % esc(name) if ("=" in name or name.startswith("SATA-")) else esc(name)
    return '%s="%s"' % (key, esc(value))


def mac_colons(mac12):
    """"0800271D2D2A" -> "08:00:27:1d:2d:2a" (IPRT's %RTmac)."""
    m = mac12.lower()
    return ":".join(m[i:i + 2] for i in range(0, 12, 2))


def hostonlyifs(ifs):
    out = ""
    for n, i in enumerate(ifs):
        out += ("Name:            %s\nGUID:            786f6276-656e-4074-8000-0a00270000%02x\nDHCP:            Disabled\n"
                "IPAddress:       %s\nNetworkMask:     %s\nIPV6Address:     \nIPV6NetworkMaskPrefixLength: 0\n"
                "HardwareAddress: 0a:00:27:00:00:%02x\nMediumType:      Ethernet\nWireless:        No\nStatus:          Up\n"
                "VBoxNetworkName: HostInterfaceNetworking-%s\n\n") % (i["name"], n, i["ip"], i["mask"], n, i["name"])
    return out


def _individual(st, key, addr):
    """One "Individual Config:" entry; key "vm/nic" (a VM NIC) or "mac:<08:00:27:..>"."""
    if key.startswith("mac:"):
        head = "Individual Config:    MAC %s\n" % key[4:]
    else:
        vm, nic = key.rsplit("/", 1)
        v = st["vms"].get(vm, {})
        head = "Individual Config:    VM NIC: %s slot %d, MAC %s\n" % (
            v.get("uuid", "00000000-0000-0000-0000-000000000000"), int(nic) - 1,
            mac_colons(v.get("mac2") or "0800271D2D2A"))
    return head + "    Fixed Address:    %s\n" % (addr or "dynamic") + LEASES + "    DHCP options:     None\n"


def dhcpservers(st):
    blocks = []
    for name, d in st["dhcp"].items():
        b = ("NetworkName:    %s\nDhcpd IP:       %s\nLowerIPAddress: %s\nUpperIPAddress: %s\nNetworkMask:    %s\n"
             "Enabled:        %s\nGlobal Configuration:\n") % (
            name, d["ip"], d["lower"], d["upper"], d["mask"], "Yes" if d["enabled"] else "No")
        b += LEASES + "        1/legacy: %s\n" % d["mask"] + "Groups:               None\n"
        if not d["fixed"]:
            b += "Individual Configs:   None\n"
        for key, addr in d["fixed"].items():
            b += _individual(st, key, addr)
        blocks.append(b)
    return "\n".join(blocks)

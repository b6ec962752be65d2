package org.nuttssh.admin;

/** The text of {@code whoami}: what the relay knows about the caller, one {@code field: value} per line. */
final class WhoAmI {

    private WhoAmI() {
    }

    static String render(Caller caller) {
        String access = caller.access().isEmpty() ? "none"
                : String.join(",", caller.access().stream().sorted().map(Object::toString).toList());
        return "name: " + caller.name() + "\n"
                + "aliases: " + (caller.aliases().isEmpty() ? "-" : String.join(",", caller.aliases())) + "\n"
                + "access: " + access + "\n"
                + "address: " + caller.address() + "\n"
                + "key: " + caller.fingerprint() + "\n";
    }
}

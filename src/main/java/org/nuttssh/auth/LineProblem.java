package org.nuttssh.auth;

import java.nio.file.Path;

/** Something wrong with one line of authorized_keys. */
record LineProblem(Path file, int line, String reason) {

    /** "FILE:LINE: reason", the form editors and grep understand. */
    String message() {
        return DisplayPath.of(file) + ":" + line + ": " + reason;
    }

    @Override
    public String toString() {
        return message();
    }
}

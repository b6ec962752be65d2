package org.nuttssh.auth.keys;

import java.nio.file.Path;

import org.nuttssh.auth.files.DisplayPath;

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

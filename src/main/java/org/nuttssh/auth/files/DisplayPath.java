package org.nuttssh.auth.files;

import java.nio.file.Path;

/** How a file is named in messages: as given, but with "./" in front of a bare name so it reads as a path. */
public final class DisplayPath {
    private DisplayPath() {
    }

    public static String of(Path file) {
        String text = file.toString();
        return !file.isAbsolute() && file.getParent() == null && !text.isEmpty() ? "./" + text : text;
    }
}

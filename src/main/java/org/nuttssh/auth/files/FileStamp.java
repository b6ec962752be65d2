package org.nuttssh.auth.files;

import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Objects;

/**
 * What is compared to notice that a file changed. The file key (device and inode on Unix) catches editors and
 * tools that replace the file by renaming a new one over it, which can keep both size and mtime.
 */
public record FileStamp(long size, FileTime modified, Object fileKey) {

    public static FileStamp of(BasicFileAttributes attributes) {
        return new FileStamp(attributes.size(), attributes.lastModifiedTime(), attributes.fileKey());
    }

    public boolean sameAs(FileStamp other) {
        return other != null && size == other.size && modified.equals(other.modified)
                && Objects.equals(fileKey, other.fileKey);
    }
}

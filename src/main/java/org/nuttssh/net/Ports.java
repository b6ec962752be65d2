package org.nuttssh.net;

/** TCP port numbers, which virtual ports follow too, so that stock clients' port numbers mean the same here. */
public final class Ports {

    /** The largest 16-bit port number. */
    public static final int MAX = 65535;

    private Ports() {
    }
}

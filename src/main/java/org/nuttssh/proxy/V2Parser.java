package org.nuttssh.proxy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;

import org.nuttssh.proxy.ProxiedProtocol.AddressFamily;
import org.nuttssh.proxy.ProxiedProtocol.Command;
import org.nuttssh.proxy.ProxiedProtocol.TransportProtocol;

/**
 * The binary header: a 12-byte signature, version and command, family and transport, a 2-byte length, then that
 * many bytes of addresses and TLVs. TLVs (TLS details, unique ids, cloud endpoint ids) are checked for framing and
 * skipped: the relay needs only the client's address.
 */
final class V2Parser {
    static final int VERSION = 2;
    /** Chosen by the spec to be invalid in every text protocol, so it cannot be the start of an SSH version line. */
    static final byte[] SIGNATURE = {0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a};
    /** Signature, version/command, family/transport, 2-byte length. */
    static final int FIXED_LENGTH = 16;
    private static final int VERSION_COMMAND_AT = 12;
    private static final int FAMILY_TRANSPORT_AT = 13;
    private static final int LENGTH_AT = 14;
    /**
     * Cap on the bytes after the fixed part. Addresses take at most 216 (UNIX); the TLVs proxies send (TLS version
     * and cipher, a unique id of at most 128 bytes, a cloud endpoint id) fit with room to spare. The 16-bit field
     * would allow 64 KiB, held in memory before the client has authenticated.
     */
    static final int MAX_PAYLOAD = 2048;
    /** TLV type (1 byte) and value length (2 bytes). */
    private static final int TLV_HEADER = 3;
    private static final int IPV4_BYTES = 4;
    private static final int IPV6_BYTES = 16;

    private V2Parser() {
    }

    /**
     * @param data bytes starting with {@link #SIGNATURE}
     * @return the header, or empty if not all of it has arrived yet
     */
    static Optional<ProxyHeader> parse(byte[] data, int offset, int length) throws ProxyHeaderException {
        if (length < FIXED_LENGTH) {
            return Optional.empty();
        }
        int versionCommand = data[offset + VERSION_COMMAND_AT] & 0xff;
        int version = versionCommand >> 4;
        if (version != VERSION) {
            throw error("unsupported version " + version);
        }
        Command command = Command.fromWire(versionCommand & 0x0f)
                .orElseThrow(() -> error(String.format("unknown command 0x%x", versionCommand & 0x0f)));
        int familyTransport = data[offset + FAMILY_TRANSPORT_AT] & 0xff;
        AddressFamily family = AddressFamily.fromWire(familyTransport >> 4)
                .orElseThrow(() -> error(String.format("unknown address family 0x%x", familyTransport >> 4)));
        TransportProtocol transport = TransportProtocol.fromWire(familyTransport & 0x0f)
                .orElseThrow(() -> error(String.format("unknown transport 0x%x", familyTransport & 0x0f)));
        int payload = unsignedShort(data, offset + LENGTH_AT);
        if (payload > MAX_PAYLOAD) {
            throw error("length " + payload + " exceeds the limit of " + MAX_PAYLOAD);
        }
        int headerLength = FIXED_LENGTH + payload;
        if (length < headerLength) {
            return Optional.empty();
        }
        if (command == Command.LOCAL) {
            // The spec: accept and ignore whatever address block and TLVs follow.
            return Optional.of(ProxyHeader.local(VERSION, headerLength));
        }
        if (transport == TransportProtocol.DGRAM) {
            throw error("DGRAM transport cannot carry SSH");
        }
        if (payload < family.addressLength()) {
            throw error("length " + payload + " too short for " + family + " addresses (" + family.addressLength()
                    + " bytes)");
        }
        int addresses = offset + FIXED_LENGTH;
        checkTlvs(data, offset, addresses + family.addressLength(), offset + headerLength);
        if (transport != TransportProtocol.STREAM || (family != AddressFamily.INET && family != AddressFamily.INET6)) {
            return Optional.of(ProxyHeader.unknown(VERSION, headerLength));
        }
        int size = family == AddressFamily.INET ? IPV4_BYTES : IPV6_BYTES;
        InetAddress source = address(data, addresses, size);
        InetAddress destination = address(data, addresses + size, size);
        int sourcePort = unsignedShort(data, addresses + 2 * size);
        int destinationPort = unsignedShort(data, addresses + 2 * size + 2);
        return Optional.of(ProxyHeader.proxied(VERSION, new InetSocketAddress(source, sourcePort),
                new InetSocketAddress(destination, destinationPort), headerLength));
    }

    /** Each TLV must end inside the header; one that does not means the sender and this parser disagree on framing. */
    private static void checkTlvs(byte[] data, int headerStart, int from, int end) throws ProxyHeaderException {
        int at = from;
        while (at < end) {
            if (end - at < TLV_HEADER) {
                throw error("truncated TLV at header byte " + (at - headerStart));
            }
            int type = data[at] & 0xff;
            int valueLength = unsignedShort(data, at + 1);
            if (at + TLV_HEADER + valueLength > end) {
                throw error(String.format("TLV type 0x%02x of %d bytes runs past the header end", type, valueLength));
            }
            at += TLV_HEADER + valueLength;
        }
    }

    private static InetAddress address(byte[] data, int at, int size) {
        try {
            // An IPv4-mapped IPv6 address comes back as IPv4, so that from= patterns written for IPv4 match it.
            return InetAddress.getByAddress(Arrays.copyOfRange(data, at, at + size));
        } catch (UnknownHostException e) {
            // Only thrown for a length other than 4 or 16, which the caller never passes.
            throw new IllegalStateException("address of " + size + " bytes", e);
        }
    }

    private static int unsignedShort(byte[] data, int at) {
        return ((data[at] & 0xff) << 8) | (data[at + 1] & 0xff);
    }

    private static ProxyHeaderException error(String problem) {
        return new ProxyHeaderException("PROXY v2 header: " + problem);
    }
}

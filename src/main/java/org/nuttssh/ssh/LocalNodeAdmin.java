package org.nuttssh.ssh;

import java.util.List;

import org.nuttssh.admin.CircuitView;
import org.nuttssh.admin.ClientTraffic;
import org.nuttssh.admin.NodeAdmin;
import org.nuttssh.auth.certificates.UserCertificate;
import org.nuttssh.circuit.ListenerTraffic;
import org.nuttssh.circuit.OpenCircuit;
import org.nuttssh.circuit.SwitchboardView;
import org.nuttssh.registry.NodeId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** This node, as the operator commands see it: its clients' circuits, and kicking one of them. */
final class LocalNodeAdmin implements NodeAdmin {

    /** What a kicked client is told; OpenSSH prints it. */
    static final String KICKED = "disconnected by a relay administrator";

    private static final Logger log = LoggerFactory.getLogger(LocalNodeAdmin.class);

    private final NodeId node;
    private final SwitchboardView switchboard;
    private final ConnectedClients clients;

    LocalNodeAdmin(NodeId node, SwitchboardView switchboard, ConnectedClients clients) {
        this.node = node;
        this.switchboard = switchboard;
        this.clients = clients;
    }

    @Override
    public NodeId node() {
        return node;
    }

    @Override
    public List<ClientTraffic> traffic() {
        return clients.all().stream().filter(ClientConnection::isListening).map(client -> {
            ListenerTraffic traffic = switchboard.traffic(client.id());
            return new ClientTraffic(client.id(), traffic.openCircuits(), traffic.bytes(),
                    client.certificate().map(UserCertificate::describe).orElse(null), client.key().fingerprint());
        }).toList();
    }

    @Override
    public List<CircuitView> circuits() {
        return switchboard.openCircuits().stream().filter(OpenCircuit::audited).map(entry -> new CircuitView(
                entry.initiator().describe(), entry.target() + ":" + entry.port(), entry.circuit().openedAt(),
                entry.circuit().bytesUp(), entry.circuit().bytesDown(), entry.initiatorNode(), entry.targetNode()))
                .toList();
    }

    @Override
    public boolean kick(String clientId, String by) {
        return clients.get(clientId).map(client -> {
            log.info("kicked: {} by {}", client.describe(), by);
            client.disconnect(KICKED);
            return true;
        }).orElse(false);
    }
}

package org.nuttssh.ssh.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;

import org.junit.jupiter.api.Test;

/** The per-address token bucket behind max-connection-rate, with time passed in by the test. */
class ConnectionRateTest {

    private static final long SECOND = 1_000_000_000L;

    private final ConnectionRate rate = new ConnectionRate(3, 0);

    @Test
    void aBurstUpToTheRateIsAdmittedThenOneMorePerThirdOfASecond() throws Exception {
        InetAddress client = InetAddress.getByName("192.0.2.1");

        assertTrue(rate.admit(client, 0));
        assertTrue(rate.admit(client, 0));
        assertTrue(rate.admit(client, 0));
        assertFalse(rate.admit(client, 0), "the fourth in the same instant");
        assertFalse(rate.admit(client, SECOND / 6), "half a token is not enough");
        assertTrue(rate.admit(client, SECOND / 3 + 1), "a third of a second later");
        assertFalse(rate.admit(client, SECOND / 3 + 2));
    }

    @Test
    void eachAddressHasItsOwnBudget() throws Exception {
        InetAddress busy = InetAddress.getByName("192.0.2.1");
        InetAddress other = InetAddress.getByName("192.0.2.2");
        for (int i = 0; i < 3; i++) {
            rate.admit(busy, 0);
        }

        assertFalse(rate.admit(busy, 0));
        assertTrue(rate.admit(other, 0));
    }

    @Test
    void idleAddressesAreForgotten() throws Exception {
        for (int i = 0; i < 100; i++) {
            rate.admit(InetAddress.getByName("192.0.2." + i), 0);
        }
        assertEquals(100, rate.trackedAddresses());

        rate.admit(InetAddress.getByName("198.51.100.1"), 20 * SECOND);

        assertEquals(1, rate.trackedAddresses());
    }
}

package org.nuttssh.registry;

import java.util.Optional;

/**
 * A name as an initiator writes it: {@code gw1} or {@code gw1~2}. Index 0 is the newest client with that name.
 *
 * @param name  the bare name
 * @param index how many newer clients with the same name to skip
 */
public record ConnectName(String name, int index) {

    /** Upper bound for {@code ~N}; anything larger is a typo, not a real fleet. */
    static final int MAX_INDEX = 1_000_000;

    /** The name and index {@code text} stands for; empty unless the name follows {@link ClientName}'s rule. */
    public static Optional<ConnectName> parse(String text) {
        int tilde = text.lastIndexOf('~');
        if (tilde < 0) {
            return ClientName.isValid(text) ? Optional.of(new ConnectName(text, 0)) : Optional.empty();
        }
        String name = text.substring(0, tilde);
        String digits = text.substring(tilde + 1);
        if (!ClientName.isValid(name) || digits.isEmpty() || digits.length() > 7
                || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return Optional.empty();
        }
        int index = Integer.parseInt(digits);
        return index > MAX_INDEX ? Optional.empty() : Optional.of(new ConnectName(name, index));
    }

    public static String format(String name, int index) {
        return index == 0 ? name : name + "~" + index;
    }

    @Override
    public String toString() {
        return format(name, index);
    }
}

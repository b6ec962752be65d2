package org.nuttssh.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.OptionalFeature;

/**
 * One algorithm setting ({@code ciphers}, {@code macs}, {@code kex-algorithms}, {@code host-key-algorithms}) in
 * sshd_config(5)'s forms: a plain list replaces the default, {@code +list} appends to it, {@code -list} removes
 * from it what its patterns ({@code *} and {@code ?}) match, and {@code ^list} moves or puts those first. The order
 * of the result is the relay's preference (see {@code ssh.ServerPreference}).
 *
 * @param <T> MINA's enum of that kind of algorithm
 */
final class AlgorithmList<T extends NamedResource & OptionalFeature> {

    private final String setting;
    private final List<String> defaults;
    private final Collection<T> known;
    /** What the setting never offers, whatever the list says (MINA's "none" cipher and MAC). */
    private final Predicate<T> excluded;

    AlgorithmList(String setting, String defaults, Collection<T> known, Predicate<T> excluded) {
        this.setting = setting;
        this.known = List.copyOf(known);
        this.excluded = excluded;
        // The default names only what this JVM and MINA can run, so a platform without one still starts.
        this.defaults = names(defaults).stream().filter(name -> find(name).isPresent()).toList();
    }

    /**
     * Resolves a setting's value against the default; a blank value is the default.
     *
     * @throws SettingException naming the first name that is not an algorithm of this kind MINA can run here, or a
     *                          result that is empty
     */
    List<T> resolve(String value) {
        String trimmed = value.trim();
        if (trimmed.isEmpty()) {
            return defaults.stream().map(name -> find(name).orElseThrow()).toList();
        }
        List<String> result = switch (trimmed.charAt(0)) {
            case '+' -> append(defaults, checked(names(trimmed.substring(1))));
            case '^' -> append(checked(names(trimmed.substring(1))), defaults);
            case '-' -> remove(defaults, names(trimmed.substring(1)));
            default -> checked(names(trimmed));
        };
        if (result.isEmpty()) {
            throw new SettingException(setting, value, "at least one algorithm; " + syntax());
        }
        return result.stream().map(name -> find(name).orElseThrow()).toList();
    }

    private List<String> checked(List<String> names) {
        for (String name : names) {
            if (find(name).isEmpty()) {
                throw new SettingException(setting, name, syntax());
            }
        }
        return names;
    }

    private String syntax() {
        return "a comma-separated list of " + String.join(", ", known.stream().filter(this::usable)
                .map(NamedResource::getName).toList()) + "; or +LIST to add to the default, -LIST to remove from it,"
                + " ^LIST to put first";
    }

    private Optional<T> find(String name) {
        return known.stream().filter(this::usable).filter(algorithm -> algorithm.getName().equals(name)).findFirst();
    }

    private boolean usable(T algorithm) {
        return algorithm.isSupported() && !excluded.test(algorithm);
    }

    private static List<String> append(List<String> first, List<String> then) {
        Set<String> joined = new LinkedHashSet<>(first);
        joined.addAll(then);
        return List.copyOf(joined);
    }

    private static List<String> remove(List<String> from, List<String> patterns) {
        List<Pattern> compiled = patterns.stream().map(AlgorithmList::glob).toList();
        return from.stream().filter(name -> compiled.stream().noneMatch(p -> p.matcher(name).matches())).toList();
    }

    private static Pattern glob(String pattern) {
        StringBuilder regex = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString());
    }

    private static List<String> names(String commaSeparated) {
        List<String> names = new ArrayList<>();
        for (String name : commaSeparated.split(",")) {
            if (!name.isBlank()) {
                names.add(name.trim());
            }
        }
        return names;
    }
}

package org.nuttssh.cli;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.nuttssh.config.SettingException;

import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * Supplies each setting the command line did not give, from the environment variable {@code NUTTSSH_<SETTING>}
 * (upper case, dashes as underscores) or else the {@code --config} file; when neither has it, picocli falls back to
 * the flag's own default. That makes the precedence flag, then environment, then file, then default.
 *
 * <p>A value of the wrong type is refused here, where its origin is known; values picocli converts successfully
 * are checked for range later, and {@link #origin} then says where they came from. An empty environment variable
 * counts as unset, as container tools often define variables they have no value for.
 */
public final class SettingSources implements IDefaultValueProvider {

    public static final String ENV_PREFIX = "NUTTSSH_";
    /** The one option the file cannot set (it names the file); the environment can. */
    public static final String CONFIG = "config";
    /** Options that are actions rather than settings: only the command line gives them. */
    private static final Set<String> ACTIONS = Set.of("help", "version", "init");

    private final Map<String, String> environment;
    /** Setting name to the variable or file line its value came from, for the values supplied here. */
    private final Map<String, String> origins = new HashMap<>();
    private Map<String, ConfigFile.Entry> file;

    public SettingSources(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        if (!(arg instanceof OptionSpec option)) {
            return null;
        }
        String setting = name(option);
        if (ACTIONS.contains(setting)) {
            return null;
        }
        String variable = variable(setting);
        String value = environmentValue(variable);
        String origin = variable;
        if (value == null && !setting.equals(CONFIG)) {
            ConfigFile.Entry entry = file(option.command()).get(setting);
            if (entry != null) {
                value = entry.value();
                origin = entry.origin();
            }
        }
        if (value == null) {
            return null;
        }
        checkType(option, setting, value, origin);
        origins.put(setting, origin);
        return value;
    }

    /**
     * Where a setting's value came from: its flag, its environment variable, the file and line, or the default.
     *
     * @param parsed the command line as parsed, to tell flags apart
     */
    public String origin(String setting, ParseResult parsed) {
        if (parsed.hasMatchedOption("--" + setting)) {
            return "--" + setting;
        }
        return origins.getOrDefault(setting, "the default");
    }

    /** {@code NUTTSSH_*} variables that name no setting: most likely typos, worth a warning. */
    public List<String> unknownVariables(CommandSpec spec) {
        Set<String> known = settings(spec).stream().map(SettingSources::variable).collect(Collectors.toSet());
        known.add(variable(CONFIG));
        return environment.keySet().stream()
                .filter(name -> name.startsWith(ENV_PREFIX) && !known.contains(name))
                .sorted()
                .toList();
    }

    /** The environment variable for a setting: {@code host-key} is {@code NUTTSSH_HOST_KEY}. */
    public static String variable(String setting) {
        return ENV_PREFIX + setting.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    private String environmentValue(String variable) {
        String value = environment.get(variable);
        return value == null || value.isEmpty() ? null : value;
    }

    /** The file's settings, read once: from the {@code --config} flag if given, else from NUTTSSH_CONFIG. */
    private Map<String, ConfigFile.Entry> file(CommandSpec spec) {
        if (file == null) {
            Object flag = spec.findOption("--" + CONFIG).getValue();
            String path = flag != null ? flag.toString() : environmentValue(variable(CONFIG));
            file = path == null ? Map.of() : ConfigFile.read(Path.of(path), settings(spec));
        }
        return file;
    }

    /** The names the environment and the file may set. */
    private static Set<String> settings(CommandSpec spec) {
        return spec.options().stream().map(SettingSources::name)
                .filter(name -> !ACTIONS.contains(name) && !name.equals(CONFIG))
                .collect(Collectors.toSet());
    }

    private static String name(OptionSpec option) {
        return option.longestName().replaceFirst("^-+", "");
    }

    private static void checkType(OptionSpec option, String setting, String value, String origin) {
        Class<?> type = option.type();
        if (type == int.class || type == Integer.class) {
            try {
                Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new SettingException(setting, value, "a whole number").from(origin);
            }
        } else if (type == boolean.class || type == Boolean.class) {
            if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
                throw new SettingException(setting, value, "true or false").from(origin);
            }
        } else if (type.isEnum()) {
            List<String> choices = Arrays.stream(type.getEnumConstants()).map(String::valueOf).toList();
            if (choices.stream().noneMatch(choice -> choice.equalsIgnoreCase(value))) {
                throw new SettingException(setting, value, "one of " + String.join(", ", choices)).from(origin);
            }
        }
    }
}

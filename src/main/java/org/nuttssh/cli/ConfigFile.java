package org.nuttssh.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import org.nuttssh.config.SettingException;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * The {@code --config} file: a YAML mapping from setting names (the flags without their dashes) to values, e.g.
 * {@code port: 2222} or {@code cluster-members: [10.0.0.1, 10.0.0.2]}.
 *
 * <p>The file is read as YAML nodes, not converted to Java objects, so every value stays the text that was written
 * (YAML 1.1 would turn {@code on} into a boolean and {@code 0755} into an octal number) and keeps its line number
 * for messages. A list becomes one comma-separated value, as on the command line.
 */
public final class ConfigFile {

    /**
     * A value as written in the file.
     *
     * @param origin file and line, e.g. {@code /etc/nuttssh/nuttssh.yaml:4}
     */
    public record Entry(String value, String origin) {
    }

    private ConfigFile() {
    }

    /**
     * @param settings the names the file may use
     * @return the file's settings in file order; empty for an empty file
     * @throws ConfigFileException naming the file (and line) when it cannot be used
     */
    public static Map<String, Entry> read(Path file, Collection<String> settings) {
        Node root;
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).compose(reader);
        } catch (NoSuchFileException e) {
            throw new ConfigFileException("config file " + file + " not found");
        } catch (IOException e) {
            throw new ConfigFileException("cannot read config file " + file + ": " + e.getMessage());
        } catch (MarkedYAMLException e) {
            throw new ConfigFileException(file + ":" + (e.getProblemMark().getLine() + 1) + ": not valid YAML: "
                    + e.getProblem());
        } catch (YAMLException e) {
            throw new ConfigFileException(file + ": not valid YAML: " + e.getMessage());
        }
        Map<String, Entry> entries = new LinkedHashMap<>();
        if (root == null) {
            return entries;
        }
        if (!(root instanceof MappingNode mapping)) {
            throw new ConfigFileException(origin(file, root) + ": expected settings as 'name: value' lines");
        }
        for (NodeTuple tuple : mapping.getValue()) {
            String where = origin(file, tuple.getKeyNode());
            if (!(tuple.getKeyNode() instanceof ScalarNode key)) {
                throw new ConfigFileException(where + ": expected a setting name");
            }
            String name = key.getValue();
            if (!settings.contains(name)) {
                throw new ConfigFileException(where + ": '" + name + "' is not a setting (expected: one of "
                        + String.join(", ", new TreeSet<>(settings)) + ")");
            }
            if (entries.containsKey(name)) {
                throw new ConfigFileException(where + ": '" + name + "' is set twice (first at "
                        + entries.get(name).origin() + ")");
            }
            entries.put(name, new Entry(text(name, tuple.getValueNode(), where), where));
        }
        return entries;
    }

    private static String text(String name, Node node, String where) {
        if (node instanceof ScalarNode scalar && !scalar.getTag().equals(Tag.NULL)) {
            return scalar.getValue();
        }
        if (node instanceof SequenceNode sequence) {
            List<String> items = new ArrayList<>();
            for (Node item : sequence.getValue()) {
                if (!(item instanceof ScalarNode scalar) || scalar.getTag().equals(Tag.NULL)) {
                    throw new SettingException(name, "...", "a list of plain values").from(where);
                }
                items.add(scalar.getValue());
            }
            return String.join(",", items);
        }
        throw new SettingException(name, node instanceof MappingNode ? "{...}" : "", "a value, or a list of values")
                .from(where);
    }

    private static String origin(Path file, Node node) {
        return file + ":" + (node.getStartMark().getLine() + 1);
    }
}

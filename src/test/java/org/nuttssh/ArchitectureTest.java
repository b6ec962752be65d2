package org.nuttssh;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;

/**
 * The folder tree is the design (docs/design.md, "Packages"): each layer imports only the layers below it, and
 * neither packages nor classes depend on each other in a cycle. Checked on the compiled main classes.
 */
class ArchitectureTest {

    /** A main source file longer than this does more than one job: split it by job. */
    private static final int MAX_SOURCE_LINES = 400;

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.nuttssh");

    @Test
    void eachLayerImportsOnlyTheLayersBelowIt() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("command line").definedBy("org.nuttssh.cli..")
                .layer("composition root").definedBy("org.nuttssh")
                .layer("nodes").definedBy("org.nuttssh.node..", "org.nuttssh.cluster..")
                .layer("ssh").definedBy("org.nuttssh.ssh..")
                .layer("relay model").definedBy("org.nuttssh.admin..", "org.nuttssh.auth..", "org.nuttssh.proxy..",
                        "org.nuttssh.circuit..", "org.nuttssh.memory..")
                .layer("registry and meters").definedBy("org.nuttssh.registry..", "org.nuttssh.metrics..",
                        "org.nuttssh.events..")
                .layer("settings and utilities").definedBy("org.nuttssh.config..", "org.nuttssh.net..",
                        "org.nuttssh.text..")
                .whereLayer("command line").mayNotBeAccessedByAnyLayer()
                .whereLayer("composition root").mayOnlyBeAccessedByLayers("command line")
                .whereLayer("nodes").mayOnlyBeAccessedByLayers("command line", "composition root")
                .whereLayer("ssh").mayOnlyBeAccessedByLayers("command line", "composition root", "nodes")
                .whereLayer("relay model").mayOnlyBeAccessedByLayers("command line", "composition root", "nodes",
                        "ssh")
                .whereLayer("registry and meters").mayOnlyBeAccessedByLayers("command line", "composition root",
                        "nodes", "ssh", "relay model")
                .check(MAIN);
    }

    @Test
    void packagesDoNotDependOnEachOtherInACycle() {
        slices().matching("org.nuttssh.(**)").should().beFreeOfCycles().check(MAIN);
    }

    @Test
    void classesDoNotDependOnEachOtherInACycle() {
        slices().assignedFrom(new TopLevelClasses()).should().beFreeOfCycles().check(MAIN);
    }

    @Test
    void noMainSourceFileIsLongerThanTheBound() throws IOException {
        try (Stream<Path> files = Files.walk(Path.of("src", "main", "java"))) {
            List<String> tooLong = files.filter(file -> file.toString().endsWith(".java"))
                    .filter(file -> lines(file) > MAX_SOURCE_LINES)
                    .map(file -> file + ": " + lines(file) + " lines").toList();
            assertEquals(List.of(), tooLong, "over " + MAX_SOURCE_LINES + " lines");
        }
    }

    private static long lines(Path file) {
        try (Stream<String> lines = Files.lines(file)) {
            return lines.count();
        } catch (IOException e) {
            throw new AssertionError("cannot read " + file, e);
        }
    }

    /** Each top-level class with its nested and anonymous classes is one slice: a cycle among those is no cycle. */
    private static final class TopLevelClasses implements SliceAssignment {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
            return SliceIdentifier.of(javaClass.getName().split("\\$")[0]);
        }

        @Override
        public String getDescription() {
            return "top-level classes";
        }
    }
}

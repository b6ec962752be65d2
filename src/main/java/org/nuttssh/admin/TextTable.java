package org.nuttssh.admin;

import java.util.ArrayList;
import java.util.List;

import org.nuttssh.text.Printable;

/**
 * Rows of text in aligned columns, two spaces apart, the last column unpadded. Cells hold what clients chose (their
 * user names), so each is escaped: a table never carries a control character to the terminal that shows it.
 */
final class TextTable {

    private final List<List<String>> rows = new ArrayList<>();

    TextTable(List<String> header) {
        rows.add(List.copyOf(header));
    }

    TextTable add(List<String> row) {
        rows.add(row.stream().map(Printable::escape).toList());
        return this;
    }

    String render() {
        int[] widths = new int[rows.get(0).size()];
        for (List<String> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        StringBuilder text = new StringBuilder();
        for (List<String> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                boolean last = i == row.size() - 1;
                text.append(last ? row.get(i) : String.format("%-" + (widths[i] + 2) + "s", row.get(i)));
            }
            text.append('\n');
        }
        return text.toString();
    }
}

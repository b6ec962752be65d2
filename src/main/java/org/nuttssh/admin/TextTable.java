package org.nuttssh.admin;

import java.util.ArrayList;
import java.util.List;

/** Rows of text in aligned columns, two spaces apart, the last column unpadded. */
final class TextTable {

    private final List<List<String>> rows = new ArrayList<>();

    TextTable(List<String> header) {
        rows.add(List.copyOf(header));
    }

    TextTable add(List<String> row) {
        rows.add(List.copyOf(row));
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

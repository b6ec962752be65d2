package org.nuttssh.config;

import java.util.ArrayList;
import java.util.List;

import org.nuttssh.net.CidrBlock;

/** A setting that lists addresses and CIDR blocks, such as {@code proxy-protocol-from}. */
final class CidrSetting {

    private CidrSetting() {
    }

    /**
     * @param example what the setting might say, for the message of a bad entry
     * @throws SettingException naming the setting, its whole value and the bad entry
     */
    static List<CidrBlock> parse(String setting, List<String> entries, String example) {
        List<CidrBlock> blocks = new ArrayList<>();
        for (String entry : entries) {
            try {
                blocks.add(CidrBlock.parseBlockOrAddress(entry.strip()));
            } catch (IllegalArgumentException e) {
                throw new SettingException(setting, String.join(",", entries),
                        "addresses or CIDR blocks separated by commas, e.g. " + example + "; " + e.getMessage());
            }
        }
        return blocks;
    }
}

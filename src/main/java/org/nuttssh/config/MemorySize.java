package org.nuttssh.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A size written like the JVM's {@code -Xmx}: a whole number of bytes, or of k, m or g (binary units). */
public final class MemorySize {

    private static final Pattern SIZE = Pattern.compile("(\\d{1,12})([kmg]?)");

    private MemorySize() {
    }

    /**
     * @param setting the setting the text is for, to name in the error
     * @return the size in bytes
     */
    public static long parse(String setting, String text, long minimum) {
        Matcher m = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
        String expected = "a size such as 512m or 2g, at least " + format(minimum);
        if (!m.matches()) {
            throw new SettingException(setting, text, expected);
        }
        int shift = switch (m.group(2)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            default -> 0;
        };
        long bytes;
        try {
            bytes = Math.multiplyExact(Long.parseLong(m.group(1)), 1L << shift);
        } catch (ArithmeticException e) {
            throw new SettingException(setting, text, expected);
        }
        if (bytes < minimum) {
            throw new SettingException(setting, text, expected);
        }
        return bytes;
    }

    /** The size in the largest unit that writes it whole, as {@link #parse} reads it: {@code 512m}. */
    public static String format(long bytes) {
        for (int shift = 30; shift > 0; shift -= 10) {
            if (bytes % (1L << shift) == 0) {
                return (bytes >> shift) + "kmg".substring(shift / 10 - 1, shift / 10);
            }
        }
        return Long.toString(bytes);
    }
}

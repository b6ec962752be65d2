package org.nuttssh.config;

import java.net.URI;
import java.net.URISyntaxException;

/** The {@code event-webhook} setting: where events are posted, an absolute http or https URL with a host. */
final class WebhookUrl {

    static final String SETTING = "event-webhook";
    private static final String EXPECTED = "an http:// or https:// URL with a host, e.g. https://hooks.example.com/nuttssh";

    private WebhookUrl() {
    }

    /** @return null for an empty setting (no webhook) */
    static URI parse(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        URI url;
        try {
            url = new URI(text.trim());
        } catch (URISyntaxException e) {
            throw new SettingException(SETTING, text, EXPECTED + "; " + e.getReason() + " at index " + e.getIndex());
        }
        String scheme = url.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
            throw new SettingException(SETTING, text, EXPECTED);
        }
        if (url.getHost() == null || url.getHost().isEmpty()) {
            throw new SettingException(SETTING, text, EXPECTED + "; it has no host");
        }
        if (url.getRawUserInfo() != null) {
            throw new SettingException(SETTING, text, EXPECTED + ", without user:password@, which is not sent: put a "
                    + "token in the path or query");
        }
        return url;
    }
}

package org.nuttssh.text;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * The text log's message, {@code %escapedMsg} in logback.xml: the formatted message with client-supplied text
 * escaped by {@link Printable}. One place for every log line, so that no call site can forget it; a line of the text
 * log is always exactly one event. (The JSON encoder escapes by JSON's own rules.)
 */
public final class EscapedMessageConverter extends MessageConverter {

    @Override
    public String convert(ILoggingEvent event) {
        return Printable.escape(super.convert(event));
    }
}

package org.nuttssh.cli;

import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;

/** The {@code --log-format} choices: logback.xml's one line of text per event, or one JSON object per line. */
public enum LogFormat {
    text, json;

    /** The appender logback.xml writes to stderr with. */
    static final String APPENDER = "STDERR";

    /** Switches the stderr appender's encoder; text keeps what logback.xml configured. */
    public void apply() {
        if (this == text) {
            return;
        }
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Appender<ILoggingEvent> appender = root.getAppender(APPENDER);
        if (!(appender instanceof OutputStreamAppender<ILoggingEvent> stream)) {
            throw new IllegalStateException("logback.xml has no " + APPENDER + " appender to switch to JSON");
        }
        stream.stop();
        stream.setEncoder(jsonEncoder((LoggerContext) LoggerFactory.getILoggerFactory()));
        stream.start();
    }

    /**
     * Fields a log shipper needs: time, level, logger, the formatted message, the key-value pairs (audit records
     * carry theirs there) and any exception. Sequence numbers, nanoseconds, the logger context and the raw arguments
     * only repeat what those say.
     */
    static JsonEncoder jsonEncoder(LoggerContext context) {
        JsonEncoder encoder = new JsonEncoder();
        encoder.setContext(context);
        encoder.setWithSequenceNumber(false);
        encoder.setWithNanoseconds(false);
        encoder.setWithContext(false);
        encoder.setWithArguments(false);
        encoder.setWithMessage(false);
        encoder.setWithFormattedMessage(true);
        encoder.start();
        return encoder;
    }
}

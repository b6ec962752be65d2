package org.nuttssh.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** --log-format json: one JSON object per line, with the message and an audit record's fields. */
class LogFormatTest {

    @Test
    void aRecordIsOneLineOfJsonWithItsKeyValuePairs() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        JsonEncoder encoder = LogFormat.jsonEncoder(context);
        Logger logger = context.getLogger("org.nuttssh.circuit.CircuitAudit");
        LoggingEvent event = new LoggingEvent(Logger.class.getName(), logger, Level.INFO,
                "circuit closed: {} -> {}", null, new Object[] {"alice", "gw1:22"});
        event.setKeyValuePairs(List.of(new KeyValuePair("bytes_up", 6L), new KeyValuePair("target", "gw1")));

        String line = new String(encoder.encode(event), StandardCharsets.UTF_8);

        assertTrue(line.endsWith("\n"), line);
        assertFalse(line.strip().contains("\n"), "one line: " + line);
        JsonObject json = new JsonObject(line);
        assertEquals("INFO", json.getString("level"));
        assertEquals("org.nuttssh.circuit.CircuitAudit", json.getString("loggerName"));
        assertEquals("circuit closed: alice -> gw1:22", json.getString("formattedMessage"));
        JsonArray pairs = json.getJsonArray("kvpList");
        assertEquals("6", pairs.getJsonObject(0).getValue("bytes_up").toString());
        assertEquals("gw1", pairs.getJsonObject(1).getString("target"));
        assertTrue(json.containsKey("timestamp"), line);
        assertFalse(json.containsKey("context"), "left out: " + line);
    }

    /** A user name carrying a forged log line and a terminal escape, as a hostile client may choose one. */
    private static final String FORGED = "gw\n2026-01-01T00:00:00.000Z INFO  SessionTracker: FORGED-LINE \u001b[2J";

    @Test
    void aClientsControlCharactersStayInsideTheirJsonString() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        LoggingEvent event = new LoggingEvent(Logger.class.getName(), context.getLogger("org.nuttssh.ssh.Any"),
                Level.INFO, "listener refused: {}", null, new Object[] {FORGED});

        String line = new String(LogFormat.jsonEncoder(context).encode(event), StandardCharsets.UTF_8);

        assertEquals(line.length() - 1, line.indexOf('\n'), "one line: " + line);
        assertEquals("listener refused: " + FORGED, new JsonObject(line).getString("formattedMessage"));
    }

    @Test
    void theTextLogEscapesThemInOneLine() {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Encoder<ILoggingEvent> text = ((OutputStreamAppender<ILoggingEvent>) root.getAppender(LogFormat.APPENDER))
                .getEncoder();
        LoggingEvent event = new LoggingEvent(Logger.class.getName(), root, Level.INFO, "listener refused: {}", null,
                new Object[] {FORGED});

        String line = new String(text.encode(event), StandardCharsets.UTF_8);

        assertTrue(line.endsWith(" ROOT: listener refused: gw\\x0a2026-01-01T00:00:00.000Z INFO  SessionTracker: "
                + "FORGED-LINE \\x1b[2J\n"), line);
    }

    @Test
    void applyingJsonSwitchesTheStderrAppenderAndTextLeavesIt() {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        OutputStreamAppender<ILoggingEvent> appender =
                (OutputStreamAppender<ILoggingEvent>) root.getAppender(LogFormat.APPENDER);
        Encoder<ILoggingEvent> original = appender.getEncoder();
        try {
            LogFormat.text.apply();
            assertEquals(original, appender.getEncoder());
            LogFormat.json.apply();
            assertTrue(appender.getEncoder() instanceof JsonEncoder);
            assertTrue(appender.isStarted());
        } finally {
            appender.stop();
            appender.setEncoder(original);
            appender.start();
        }
    }
}

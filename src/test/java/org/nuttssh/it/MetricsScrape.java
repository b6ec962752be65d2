package org.nuttssh.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** An HTTP GET against the relay's metrics port, and the Prometheus text format read into samples. */
final class MetricsScrape {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private final Map<String, Double> samples;
    private final String text;

    private MetricsScrape(String text) {
        this.text = text;
        this.samples = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
    }

    static MetricsScrape of(int port) throws IOException, InterruptedException {
        HttpResponse<String> response = get(port, "/metrics");
        if (response.statusCode() != 200) {
            throw new AssertionError("/metrics answered " + response.statusCode() + ": " + response.body());
        }
        return new MetricsScrape(response.body());
    }

    static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /**
     * @param sample as it appears before the value, e.g. {@code nuttssh_circuits_total} or
     *               {@code nuttssh_circuit_failures_total{reason="no_such_name"}}
     */
    double value(String sample) {
        Double value = samples.get(sample);
        if (value == null) {
            throw new AssertionError("no sample " + sample + " in:\n" + text);
        }
        return value;
    }

    Map<String, Double> samples() {
        return samples;
    }

    String text() {
        return text;
    }
}

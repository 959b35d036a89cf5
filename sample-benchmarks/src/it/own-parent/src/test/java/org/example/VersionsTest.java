package org.example;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.evalunit.ChatRequest;
import dev.evalunit.client.OpenAiClient;
import dev.evalunit.config.EvalConfig;
import dev.evalunit.simulator.OpenAiSimulator;
import org.junit.jupiter.api.Test;

/** A project that cannot take evalunit's parent: the harness with the versions it was built with, and working. */
class VersionsTest {

    @Test
    void everyJacksonModuleIsAtTheVersionOfJacksonDatabind() {
        String databind = com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION.toString();

        assertEquals(databind, com.fasterxml.jackson.datatype.jdk8.PackageVersion.VERSION.toString());
        assertEquals(databind, com.fasterxml.jackson.datatype.jsr310.PackageVersion.VERSION.toString());
    }

    @Test
    void theClientAsksTheSimulator() {
        try (OpenAiSimulator simulator = OpenAiSimulator.start()) {
            EvalConfig config = EvalConfig.load();
            config = config.withOpenAI(config.openai().withApiKey("sk-" + "test-0123456789abcdefghij")
                    .withBaseUrl(java.net.URI.create(simulator.baseUrl())));
            try (OpenAiClient client = OpenAiClient.create(config)) {
                String text = client.generate(ChatRequest.user("Pick one:\nA. red\nB. blue").maxTokens(1)).text();
                assertEquals(true, text.equals("A") || text.equals("B"), text);
            }
        }
    }
}

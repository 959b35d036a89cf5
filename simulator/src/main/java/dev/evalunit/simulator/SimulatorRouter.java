package dev.evalunit.simulator;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.HttpHeaders;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.nio.charset.StandardCharsets;

/**
 * The one WireMock extension of the simulator: it routes each request by method and path and
 * computes the whole response (status, headers, body, delay, fault), so WireMock does only HTTP.
 * New endpoints are new branches of {@link #route}; the Files and Batch APIs each have a class of
 * their own. Anthropic's routes ({@code /v1/messages} and {@code /v1/messages/batches}) are served by the same
 * server, with Anthropic's authentication ({@code x-api-key}) instead of OpenAI's. Thread-safe.
 */
final class SimulatorRouter implements ResponseDefinitionTransformerV2 {

    static final String NAME = "evalunit-openai-simulator";
    private static final String[] MODELS = {"gpt-4o-mini", "gpt-4o", "gpt-4.1", "gpt-4.1-mini", "gpt-4.1-nano",
        "gpt-5", "gpt-5-mini", "o4-mini"};

    private final SimulatorState state;
    private final ChatCompletions chat;
    private final FilesEndpoint files;
    private final BatchesEndpoint batches;
    private final Messages messages;
    private final MessageBatches messageBatches;
    private final byte[] modelList = modelList();

    SimulatorRouter(SimulatorState state) {
        this.state = state;
        this.chat = new ChatCompletions(state);
        this.files = new FilesEndpoint(state);
        this.batches = new BatchesEndpoint(state);
        this.messages = new Messages(state);
        this.messageBatches = new MessageBatches(state, messages);
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public ResponseDefinition transform(ServeEvent serveEvent) {
        Request request = serveEvent.getRequest();
        long now = state.options().nanoTime().getAsLong();
        String method = request.getMethod().getName();
        String url = request.getUrl();
        int query = url.indexOf('?');
        String path = query < 0 ? url : url.substring(0, query);
        byte[] body = request.getBody();

        SimResponse response = route(method, path, request, body, now);

        String logged = response.loggedBody != null ? response.loggedBody
                : body == null ? "" : new String(body, StandardCharsets.UTF_8);
        state.log().add(new ReceivedRequest(method, path, response.model, logged, response.loggedStatus(), now));
        return definition(response);
    }

    private SimResponse route(String method, String path, Request request, byte[] body, long now) {
        if (!path.startsWith("/v1/")) {
            return unknownUrl(method, path);
        }
        if (path.equals("/v1/messages") || path.startsWith("/v1/messages/")) {
            return anthropic(method, path, request, body, now);
        }
        String authorization = request.getHeader("Authorization");
        if (authorization == null || authorization.length() <= 7
                || !authorization.regionMatches(true, 0, "Bearer ", 0, 7) || authorization.substring(7).isBlank()) {
            return SimResponse.error(401, "You didn't provide an API key. You need to provide your API key in an "
                    + "Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the "
                    + "password field (with blank username) if you're accessing the API from your browser and are "
                    + "prompted for a username and password. You can obtain an API key from "
                    + "https://platform.openai.com/account/api-keys.", "invalid_request_error", null, "invalid_api_key");
        }
        if (path.equals("/v1/chat/completions") && method.equals("POST")) {
            return chat.handle(body, now);
        }
        if (path.equals("/v1/models") && method.equals("GET")) {
            return new SimResponse(200, modelList);
        }
        SimResponse response = null;
        if (path.equals("/v1/files") || path.startsWith("/v1/files/")) {
            response = files.handle(method, path, request, now);
        } else if (path.equals("/v1/batches") || path.startsWith("/v1/batches/")) {
            response = batches.handle(method, path, request, body, now);
        }
        return response != null ? response : unknownUrl(method, path);
    }

    private SimResponse anthropic(String method, String path, Request request, byte[] body, long now) {
        SimResponse unauthorized = Messages.unauthorized(request);
        if (unauthorized != null) {
            return unauthorized;
        }
        if (path.equals("/v1/messages") && method.equals("POST")) {
            return messages.handle(body, now);
        }
        SimResponse response = messageBatches.handle(method, path, request, body, now);
        return response != null ? response : AnthropicFormat.error(404, "not_found_error", "Not Found");
    }

    private static SimResponse unknownUrl(String method, String path) {
        return SimResponse.error(404, "Invalid URL (" + method + " " + path + ")", "invalid_request_error", null,
                "unknown_url");
    }

    private static ResponseDefinition definition(SimResponse response) {
        if (!response.anthropic) {
            response.header("x-request-id", Ids.requestId())
                    .header("openai-organization", ChatCompletions.ORGANIZATION)
                    .header("openai-processing-ms", Long.toString(response.delayMillis))
                    .header("openai-version", "2020-10-01");
        }
        if (!response.hasHeader("content-type")) {
            response.header("content-type", "application/json");
        }
        ResponseDefinitionBuilder builder = ResponseDefinitionBuilder.responseDefinition()
                .withStatus(response.status)
                .withHeaders(new HttpHeaders(response.headers))
                .withBody(response.body);
        if (response.delayMillis > 0) {
            builder.withFixedDelay((int) Math.min(Integer.MAX_VALUE, response.delayMillis));
        }
        if (response.fault != null) {
            builder.withFault(response.fault);
        }
        return builder.build();
    }

    private static byte[] modelList() {
        StringBuilder json = new StringBuilder("{\"object\":\"list\",\"data\":[");
        for (int i = 0; i < MODELS.length; i++) {
            json.append(i == 0 ? "" : ",").append("{\"id\":\"").append(MODELS[i])
                    .append("\",\"object\":\"model\",\"created\":1715367049,\"owned_by\":\"system\"}");
        }
        return json.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }
}

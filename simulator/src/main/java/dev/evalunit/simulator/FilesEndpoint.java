package dev.evalunit.simulator;

import com.github.tomakehurst.wiremock.http.Request;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * Answers the Files API: {@code POST /v1/files} (multipart upload), {@code GET /v1/files},
 * {@code GET /v1/files/{id}}, {@code GET /v1/files/{id}/content} and {@code DELETE /v1/files/{id}}.
 * Thread-safe; the files live in {@link SimulatorState#files()}.
 */
final class FilesEndpoint {

    private static final Set<String> UPLOAD_PURPOSES = Set.of("assistants", "batch", "fine-tune", "vision",
            "user_data", "evals");

    private final SimulatorState state;

    FilesEndpoint(SimulatorState state) {
        this.state = state;
    }

    /** The response, or {@code null} when the method and path are not a Files endpoint. */
    SimResponse handle(String method, String path, Request request, long now) {
        if (path.equals("/v1/files")) {
            return switch (method) {
                case "POST" -> upload(request, now);
                case "GET" -> list(request, now);
                default -> null;
            };
        }
        String rest = path.substring("/v1/files/".length());
        boolean content = rest.endsWith("/content");
        String id = content ? rest.substring(0, rest.length() - "/content".length()) : rest;
        if (id.isEmpty() || id.indexOf('/') >= 0) {
            return null;
        }
        FileStore.StoredFile file = state.files().get(id);
        if (content && method.equals("GET")) {
            return file == null ? notFound(id)
                    : new SimResponse(200, file.content()).header("content-type", "application/octet-stream");
        }
        if (content) {
            return null;
        }
        return switch (method) {
            case "GET" -> file == null ? notFound(id) : new SimResponse(200, FileStore.json(file));
            case "DELETE" -> state.files().delete(id) ? new SimResponse(200, OpenAiFormat.write(json -> {
                json.writeStartObject();
                json.writeStringField("id", id);
                json.writeStringField("object", "file");
                json.writeBooleanField("deleted", true);
                json.writeEndObject();
            })) : notFound(id);
            default -> null;
        };
    }

    private SimResponse upload(Request request, long now) {
        String contentType = request.getHeader("Content-Type");
        Collection<Request.Part> parts = request.isMultipart() ? request.getParts() : null;
        if (parts == null) {
            return SimResponse.error(400, "Invalid Content-Type header (" + contentType + "), expected "
                    + "multipart/form-data. (HINT: If you're using curl, you can pass -F fields instead of -d.)",
                    "invalid_request_error", null, null);
        }
        Request.Part purposePart = request.getPart("purpose");
        Request.Part filePart = request.getPart("file");
        String purpose = purposePart == null ? null : new String(purposePart.getBody().asBytes(), StandardCharsets.UTF_8);
        String summary = "multipart/form-data: purpose=" + purpose + ", file="
                + (filePart == null ? null : filePart.getFileName() + " (" + filePart.getBody().asBytes().length + " bytes)");
        SimResponse response = upload(purpose, filePart, request, now);
        response.loggedBody = summary;
        return response;
    }

    private SimResponse upload(String purpose, Request.Part filePart, Request request, long now) {
        if (purpose == null) {
            return missing("purpose");
        }
        if (!UPLOAD_PURPOSES.contains(purpose)) {
            return SimResponse.error(400, "'" + purpose + "' is not one of ['fine-tune', 'assistants', 'batch', "
                    + "'user_data', 'vision', 'evals'] - 'purpose'", "invalid_request_error", "purpose", null);
        }
        if (filePart == null) {
            return missing("file");
        }
        String filename = filePart.getFileName();
        if (filename == null || filename.isBlank()) {
            return SimResponse.error(400, "The file has no name. Upload it with a filename, such as requests.jsonl.",
                    "invalid_request_error", "file", null);
        }
        if (purpose.equals("batch") && !filename.endsWith(".jsonl")) {
            return SimResponse.error(400, "Invalid file format for Batch API. Must be .jsonl", "invalid_request_error",
                    null, null);
        }
        long createdAt = state.unixSeconds(now);
        Long expiresAt = null;
        Request.Part seconds = request.getPart("expires_after[seconds]");
        if (seconds != null) {
            try {
                expiresAt = createdAt + Long.parseLong(new String(seconds.getBody().asBytes(), StandardCharsets.UTF_8));
            } catch (NumberFormatException e) {
                return SimResponse.error(400, "Invalid 'expires_after.seconds': expected an integer.",
                        "invalid_request_error", "expires_after.seconds", "invalid_type");
            }
        }
        FileStore.StoredFile file = state.files().add(filename, purpose, filePart.getBody().asBytes(), createdAt,
                expiresAt);
        return new SimResponse(200, FileStore.json(file));
    }

    private SimResponse list(Request request, long now) {
        Query query = new Query(request);
        String purpose = query.text("purpose");
        String order = query.text("order");
        Integer limit;
        try {
            limit = query.integer("limit", 1, 10_000);
        } catch (SimResponse.Refused invalid) {
            return invalid.response();
        }
        if (order != null && !order.equals("asc") && !order.equals("desc")) {
            return SimResponse.error(400, "Invalid value: '" + order + "'. Supported values are: 'asc' and 'desc'.",
                    "invalid_request_error", "order", "invalid_value");
        }
        // A batch that has ended since it was last looked at writes its files now, so they are listed.
        for (SimBatch batch : state.batches().oldestFirst()) {
            batch.at(now);
        }
        List<FileStore.StoredFile> files = new ArrayList<>();
        for (FileStore.StoredFile file : state.files().all()) {
            if (purpose == null || purpose.equals(file.purpose())) {
                files.add(file);
            }
        }
        if (order == null || order.equals("desc")) {
            Collections.reverse(files);
        }
        return Query.page(files, FileStore.StoredFile::id, query.text("after"), limit == null ? 10_000 : limit,
                FileStore::write);
    }

    private static SimResponse missing(String param) {
        return SimResponse.error(400, "Missing required parameter: '" + param + "'.", "invalid_request_error", param,
                "missing_required_parameter");
    }

    private static SimResponse notFound(String id) {
        return SimResponse.error(404, "No such File object: " + id, "invalid_request_error", "id", null);
    }
}

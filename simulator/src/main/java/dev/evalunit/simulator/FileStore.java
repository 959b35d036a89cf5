package dev.evalunit.simulator;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * The files of one simulator: uploads and the output and error files of batches, in memory. Thread-safe:
 * every method holds the store's lock, and a stored file never changes.
 */
final class FileStore {

    /** One file; {@code content} is never modified once stored. */
    record StoredFile(String id, String filename, String purpose, byte[] content, long createdAt, Long expiresAt) {

        SimulatedFile view() {
            return new SimulatedFile(id, filename, purpose, content.length);
        }
    }

    private final LinkedHashMap<String, StoredFile> files = new LinkedHashMap<>();

    synchronized StoredFile add(String filename, String purpose, byte[] content, long createdAt, Long expiresAt) {
        StoredFile file = new StoredFile(Ids.fileId(), filename, purpose, content, createdAt, expiresAt);
        files.put(file.id(), file);
        return file;
    }

    /** The file, or {@code null} when there is none of that id (or it was deleted). */
    synchronized StoredFile get(String id) {
        return files.get(id);
    }

    synchronized boolean delete(String id) {
        return files.remove(id) != null;
    }

    /** Every file, oldest first. */
    synchronized List<StoredFile> all() {
        return new ArrayList<>(files.values());
    }

    synchronized void clear() {
        files.clear();
    }

    /** The file as OpenAI's {@code OpenAIFile} object. */
    static void write(JsonGenerator json, StoredFile file) throws IOException {
        json.writeStartObject();
        json.writeStringField("object", "file");
        json.writeStringField("id", file.id());
        json.writeStringField("purpose", file.purpose());
        json.writeStringField("filename", file.filename());
        json.writeNumberField("bytes", file.content().length);
        json.writeNumberField("created_at", file.createdAt());
        if (file.expiresAt() == null) {
            json.writeNullField("expires_at");
        } else {
            json.writeNumberField("expires_at", file.expiresAt());
        }
        json.writeStringField("status", "processed");
        json.writeNullField("status_details");
        json.writeEndObject();
    }

    static byte[] json(StoredFile file) {
        return OpenAiFormat.write(json -> write(json, file));
    }
}

package dev.evalunit.internal.batch;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Writes batch input files: the items of each model, in order, cut into files that keep within the
 * {@link BatchLimits}, each beside a side file listing its custom ids and request hashes (what a
 * resumed run compares against, without reading the requests back). Both are forced to the device
 * before they are named in the ledger. Not thread-safe; the coordinator's thread uses it.
 */
final class InputFiles {

    /**
     * One input file, ready to upload.
     *
     * @param ledgerId the ledger id of the batch it becomes
     * @param model    the model of every line (the Batch API wants one model per file)
     * @param input    the JSONL file of requests
     * @param ids      the side file of {@code {"id","hash"}} lines, in the input's order
     * @param sha256   hex SHA-256 of the input file
     * @param bytes    the input file's size
     * @param items    its items, in order
     */
    record Planned(String ledgerId, String model, Path input, Path ids, String sha256, long bytes,
                   List<BatchItem> items) {
    }

    /**
     * What {@link #write} produced.
     *
     * @param files     the files, in order
     * @param oversized items whose one line is larger than a whole file may be; never sendable as a batch
     */
    record Split(List<Planned> files, List<BatchItem> oversized) {
    }

    private final Path directory;
    private final BatchLimits limits;
    private final Supplier<String> ledgerIds;

    InputFiles(Path directory, BatchLimits limits, Supplier<String> ledgerIds) {
        this.directory = directory;
        this.limits = limits;
        this.ledgerIds = ledgerIds;
    }

    static Path inputFile(Path directory, String ledgerId) {
        return directory.resolve(ledgerId + ".input.jsonl");
    }

    static Path idsFile(Path directory, String ledgerId) {
        return directory.resolve(ledgerId + ".ids.jsonl");
    }

    /** Writes the items into as few files per model as the limits allow. */
    Split write(List<BatchItem> items) throws IOException {
        Map<String, List<BatchItem>> byModel = new LinkedHashMap<>();
        for (BatchItem item : items) {
            byModel.computeIfAbsent(item.model(), m -> new ArrayList<>()).add(item);
        }
        Files.createDirectories(directory);
        List<Planned> files = new ArrayList<>();
        List<BatchItem> oversized = new ArrayList<>();
        for (Map.Entry<String, List<BatchItem>> model : byModel.entrySet()) {
            Writer writer = null;
            for (BatchItem item : model.getValue()) {
                byte[] line = BatchLines.line(item);
                long size = line.length + 1L;
                if (size > limits.maxBytes()) {
                    oversized.add(item);
                    continue;
                }
                if (writer != null && (writer.items.size() == limits.maxRequests()
                        || writer.bytes + size > limits.maxBytes())) {
                    files.add(writer.finish());
                    writer = null;
                }
                if (writer == null) {
                    writer = new Writer(ledgerIds.get(), model.getKey());
                }
                writer.add(item, line);
            }
            if (writer != null) {
                files.add(writer.finish());
            }
        }
        return new Split(files, oversized);
    }

    /** One file being written. */
    private final class Writer {
        final String ledgerId;
        final String model;
        final Path input;
        final Path ids;
        final MessageDigest sha;
        final OutputStream inputOut;
        final OutputStream idsOut;
        final List<BatchItem> items = new ArrayList<>();
        long bytes;

        Writer(String ledgerId, String model) throws IOException {
            this.ledgerId = ledgerId;
            this.model = model;
            this.input = inputFile(directory, ledgerId);
            this.ids = idsFile(directory, ledgerId);
            try {
                this.sha = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is in every JVM", e);
            }
            this.inputOut = new DigestOutputStream(new BufferedOutputStream(Files.newOutputStream(input), 1 << 16), sha);
            this.idsOut = new BufferedOutputStream(Files.newOutputStream(ids), 1 << 16);
        }

        void add(BatchItem item, byte[] line) throws IOException {
            inputOut.write(line);
            inputOut.write('\n');
            idsOut.write(idLine(item.customId(), item.key().requestHash()));
            idsOut.write('\n');
            bytes += line.length + 1L;
            items.add(item);
        }

        Planned finish() throws IOException {
            inputOut.close();
            idsOut.close();
            Durable.force(input);
            Durable.force(ids);
            Durable.forceDirectory(directory);
            return new Planned(ledgerId, model, input, ids, HexFormat.of().formatHex(sha.digest()), bytes,
                    List.copyOf(items));
        }
    }

    private static byte[] idLine(String id, String hash) {
        try {
            return LedgerJson.MAPPER.writeValueAsString(new IdLine(id, hash)).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the id line of " + id, e);
        }
    }

    /**
     * The custom ids of a planned file and their request hashes, in order.
     *
     * @throws IOException when the file is missing or unreadable
     */
    static Map<String, String> readIds(Path ids) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        try (java.io.BufferedReader reader = Files.newBufferedReader(ids, StandardCharsets.UTF_8)) {
            for (String line; (line = reader.readLine()) != null; ) {
                if (!line.isBlank()) {
                    IdLine id = LedgerJson.MAPPER.readValue(line, IdLine.class);
                    out.put(id.id(), id.hash());
                }
            }
        }
        return out;
    }

    /** Hex SHA-256 of a file's content. */
    static String sha256(Path file) throws IOException {
        try (java.io.InputStream in = Files.newInputStream(file)) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is in every JVM", e);
        }
    }

    /** One line of an ids file. */
    record IdLine(String id, String hash) {
    }
}

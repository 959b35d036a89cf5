package dev.evalunit.simulator;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/**
 * A file the simulator holds, for tests: {@link OpenAiSimulator#files()}. Immutable.
 *
 * @param id       the file id, {@code file-...}
 * @param filename the name it was uploaded with, or {@code batch_..._output.jsonl} for a batch's files
 * @param purpose  {@code batch} for uploads, {@code batch_output} for a batch's output and error files
 * @param bytes    its size
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record SimulatedFile(String id, String filename, String purpose, long bytes) {
}

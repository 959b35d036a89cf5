package dev.evalunit.internal.checkpoint;

import static org.apiguardian.api.API.Status.INTERNAL;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.apiguardian.api.API;

/**
 * The append-only JSONL files evalunit keeps (checkpoints, the batch ledger): how their lines are read,
 * telling the last non-blank line apart (a writer killed mid-line leaves only that one torn), how lines
 * are appended so that a torn line never ends up in the middle of a file, and how a file is named in
 * messages. Internal to the harness; stateless.
 */
@API(status = INTERNAL, since = "0.1")
public final class JsonlFiles {

    private static final System.Logger LOG = System.getLogger(JsonlFiles.class.getName());

    /** Writes every byte, however many calls the channel needs. */
    public static final ChannelWriter WHOLE = (channel, bytes) -> {
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    };

    private JsonlFiles() {
    }

    /**
     * How appended bytes reach a file: {@link #WHOLE}, or in tests a writer that fails part-way, as a full
     * disk or a failing device does.
     */
    @FunctionalInterface
    public interface ChannelWriter {
        /** Writes the remaining bytes of {@code bytes} at {@code channel}'s position. */
        void write(FileChannel channel, ByteBuffer bytes) throws IOException;
    }

    /** Receives one non-blank line. */
    @FunctionalInterface
    public interface LineHandler {
        /**
         * @param number the 1-based line number in the file (blank lines counted)
         * @param last   whether no non-blank line follows
         */
        void accept(int number, String text, boolean last);
    }

    /** Receives one non-blank line as bytes, with where it starts in the file. */
    @FunctionalInterface
    public interface LineBytesHandler {
        /**
         * @param number the 1-based line number in the file (blank lines counted)
         * @param offset the byte offset of the line's first byte in the file
         * @param bytes  holds the line (without its newline) at {@code [from, from + length)}; valid only during the call
         * @param last   whether no non-blank line follows
         */
        void accept(int number, long offset, byte[] bytes, int from, int length, boolean last);
    }

    /**
     * Hands every non-blank line of {@code file} to {@code handler}, in order, decoded as UTF-8 with malformed
     * bytes replaced: a torn last line may end inside a character and must reach the handler as a torn line,
     * not fail the whole read.
     */
    public static void forEachLine(Path file, int bufferSize, LineHandler handler) throws IOException {
        forEachLineAt(file, bufferSize, (number, offset, bytes, from, length, last) ->
                handler.accept(number, new String(bytes, from, length, StandardCharsets.UTF_8), last));
    }

    /**
     * Hands every non-blank line of {@code file} to {@code handler} as bytes, in order, with its byte offset,
     * so that a reader can keep where a line is instead of the line. A line is held back until the next
     * non-blank one shows whether it is the last.
     */
    public static void forEachLineAt(Path file, int bufferSize, LineBytesHandler handler) throws IOException {
        Line previous = new Line();
        Line current = new Line();
        byte[] chunk = new byte[Math.max(bufferSize, 1024)];
        int number = 0;
        long position = 0;
        try (InputStream in = Files.newInputStream(file)) {
            for (int read; (read = in.read(chunk)) > 0; ) {
                int start = 0;
                for (int i = 0; i < read; i++) {
                    if (chunk[i] == '\n') {
                        current.add(chunk, start, i - start);
                        number++;
                        if (!current.isBlank()) {
                            if (previous.number > 0) {
                                previous.emit(handler, false);
                            }
                            Line swap = previous;
                            previous = current;
                            current = swap;
                            previous.number = number;
                        }
                        current.reset(position + i + 1);
                        start = i + 1;
                    }
                }
                current.add(chunk, start, read - start);
                position += read;
            }
        }
        if (!current.isBlank()) { // a last line without its newline
            if (previous.number > 0) {
                previous.emit(handler, false);
            }
            current.number = number + 1;
            current.emit(handler, true);
        } else if (previous.number > 0) {
            previous.emit(handler, true);
        }
    }

    /** The bytes of one line being read, and where it starts. */
    private static final class Line {
        byte[] bytes = new byte[256];
        int length;
        long offset;
        int number;

        void add(byte[] from, int start, int count) {
            if (length + count > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + count));
            }
            System.arraycopy(from, start, bytes, length, count);
            length += count;
        }

        boolean isBlank() {
            for (int i = 0; i < length; i++) {
                byte b = bytes[i];
                if (b != ' ' && b != '\t' && b != '\r') {
                    return false;
                }
            }
            return true;
        }

        void reset(long at) {
            length = 0;
            offset = at;
            number = 0;
        }

        void emit(LineBytesHandler handler, boolean last) {
            int end = length;
            if (end > 0 && bytes[end - 1] == '\r') {
                end--; // a CRLF file's line, as BufferedReader would give it
            }
            handler.accept(number, offset, bytes, 0, end, last);
        }
    }

    /**
     * Appends {@code bytes}, whole lines, at the end of {@code channel}'s file, all or nothing: when the
     * write fails part-way, the file is truncated back to its size before and the failure rethrown, so
     * the caller may write the same lines again later without a torn copy of them left in the middle.
     */
    public static void appendWhole(FileChannel channel, ByteBuffer bytes, ChannelWriter writer) throws IOException {
        long before = channel.size();
        try {
            channel.position(before);
            writer.write(channel, bytes);
        } catch (IOException | RuntimeException e) {
            try {
                channel.truncate(before);
            } catch (IOException | RuntimeException undone) {
                e.addSuppressed(undone);
            }
            throw e;
        }
    }

    /**
     * Drops a torn last line before appending: when the file does not end with a newline, it is truncated
     * to just after its last newline (or to empty), with a warning naming the file and the bytes dropped.
     * A writer killed mid-line leaves such a fragment; a line appended after it would be glued onto it,
     * a damaged line in the middle of the file that every later read refuses. The caller holds the file
     * against other writers.
     *
     * @return how many bytes were dropped, 0 when the file ends with a newline or is empty
     */
    public static long dropTornLastLine(FileChannel channel, Path file) throws IOException {
        long size = channel.size();
        long keep = 0;
        ByteBuffer chunk = ByteBuffer.allocate(4096);
        scan:
        for (long to = size; to > 0; ) {
            long from = Math.max(0, to - chunk.capacity());
            chunk.clear().limit((int) (to - from));
            while (chunk.hasRemaining() && channel.read(chunk, from + chunk.position()) >= 0) {
                // Positional reads may return fewer bytes than asked.
            }
            for (int i = chunk.position() - 1; i >= 0; i--) {
                if (chunk.get(i) == '\n') {
                    keep = from + i + 1;
                    break scan;
                }
            }
            to = from;
        }
        if (keep == size) {
            return 0;
        }
        channel.truncate(keep);
        LOG.log(System.Logger.Level.WARNING, shown(file) + " ended with a line cut off mid-write, as a process killed"
                + " while writing leaves it: dropped its " + (size - keep) + " bytes after byte " + keep
                + " so that the next line appended starts a line of its own");
        return size - keep;
    }

    /** {@code file} relative to the working directory when it lies below it, else as given. */
    public static Path shown(Path file) {
        Path cwd = Path.of("").toAbsolutePath();
        Path absolute = file.toAbsolutePath().normalize();
        return absolute.startsWith(cwd) ? cwd.relativize(absolute) : file;
    }
}

package dev.evalunit.internal.checkpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads stored lines back from a store's files by where they are. The most recently read files are kept
 * open ({@value #OPEN} at most: an epoch of hundreds of runs must not hold hundreds of descriptors), the
 * others opened when needed. Thread-safe: one read at a time, each a few microseconds.
 */
final class ReadChannels implements AutoCloseable {

    static final int OPEN = 16;

    private final List<Path> files;
    private final Map<Integer, FileChannel> open = new LinkedHashMap<>(OPEN, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, FileChannel> eldest) {
            if (size() <= OPEN) {
                return false;
            }
            closeQuietly(eldest.getValue());
            return true;
        }
    };

    ReadChannels(List<Path> files) {
        this.files = List.copyOf(files);
    }

    Path file(int index) {
        return files.get(index);
    }

    /**
     * The bytes of the line at {@code at}.
     *
     * @throws CheckpointException when the file cannot be read or is shorter than it was
     */
    synchronized byte[] read(CheckpointReader.Location at) {
        Path file = files.get(at.file());
        try {
            FileChannel channel = open.get(at.file());
            if (channel == null) {
                channel = FileChannel.open(file, StandardOpenOption.READ);
                open.put(at.file(), channel);
            }
            ByteBuffer line = ByteBuffer.allocate(at.length());
            while (line.hasRemaining()) {
                if (channel.read(line, at.offset() + line.position()) < 0) {
                    throw new IOException("the file ends at byte " + (at.offset() + line.position()) + ", before the "
                            + "line of " + at.length() + " bytes at " + at.offset());
                }
            }
            return line.array();
        } catch (IOException e) {
            throw new CheckpointException(file, 0, "checkpoint " + JsonlFiles.shown(file) + " cannot be read back: " + e
                    + "; it was changed or removed while the run used it", e);
        }
    }

    @Override
    public synchronized void close() {
        open.values().forEach(ReadChannels::closeQuietly);
        open.clear();
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package dev.evalunit.internal.batch;

import dev.evalunit.internal.checkpoint.JsonlFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** File writes that are on the device when they return: what the ledger's promises rest on. */
final class Durable {

    private Durable() {
    }

    /** Serializes this JVM's appends: a JVM may hold only one {@link FileLock} on a file at a time. */
    private static final Object APPENDS = new Object();

    /**
     * Appends {@code bytes}, whole lines, to {@code file} (created if absent) and forces them, and a new
     * file's directory entry. A torn last line a killed writer left is dropped first, and a write that
     * fails part-way leaves nothing behind ({@link JsonlFiles#appendWhole}). The file is locked meanwhile,
     * so that no other process appends to it while its tail is repaired.
     */
    static void append(Path file, byte[] bytes, JsonlFiles.ChannelWriter writer) throws IOException {
        boolean created = !Files.exists(file);
        synchronized (APPENDS) {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
                 FileLock lock = channel.lock()) {
                JsonlFiles.dropTornLastLine(channel, file);
                JsonlFiles.appendWhole(channel, ByteBuffer.wrap(bytes), writer);
                channel.force(false);
            }
        }
        if (created) {
            forceDirectory(file.toAbsolutePath().getParent());
        }
    }

    /** Forces a file written by other means, e.g. a stream, to the device. */
    static void force(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.force(false);
        }
    }

    /** Moves a finished temporary file into place atomically, and forces the directory entry. */
    static void publish(Path temporary, Path target) throws IOException {
        force(temporary);
        Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        forceDirectory(target.toAbsolutePath().getParent());
    }

    /** Forces a directory's entries to the device; platforms that cannot (Windows) record them with the file. */
    static void forceDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Not possible here; the entry reaches the disk with the file system's next commit.
        }
    }
}

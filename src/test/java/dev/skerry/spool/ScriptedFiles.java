package dev.skerry.spool;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The real file operations, logged, with the power to fail one kind of operation (as a full
 * disk does) or to stop the spool dead right after one (as kill -9 does).
 */
final class ScriptedFiles implements SpoolFiles {

    enum Op { CREATE_DIRECTORY, WRITE_TEMP, FORCE_FILE, RENAME, FORCE_DIRECTORY, DELETE, OVERWRITE, LIST, READ, MOVE_ASIDE }

    /** The process died here: the spool object is abandoned, the files stay as they are. */
    static final class Crash extends RuntimeException {
        Crash(Op after) {
            super("crash after " + after);
        }
    }

    static final Set<Op> WRITES = EnumSet.of(Op.WRITE_TEMP, Op.FORCE_FILE, Op.RENAME, Op.FORCE_DIRECTORY, Op.DELETE, Op.OVERWRITE, Op.MOVE_ASIDE,
            Op.CREATE_DIRECTORY);

    final List<Op> log = new ArrayList<>();
    private final SpoolFiles real = new NioSpoolFiles();
    private final Set<Op> failing = EnumSet.noneOf(Op.class);
    private Op crashAfter;
    private int crashCountdown;
    private int changeCountdown;

    /** From now on every op of this kind fails with ENOSPC's message; a failing write leaves half a temp file. */
    void fail(Op op) {
        failing.add(op);
    }

    void heal() {
        failing.clear();
    }

    /** The next op of this kind completes, then the process "dies". */
    void crashAfter(Op op) {
        crashAfter(op, 1);
    }

    /** The nth op of this kind from now completes, then the process "dies". */
    void crashAfter(Op op, int nth) {
        crashAfter = op;
        crashCountdown = nth;
    }

    /** The nth op from now that changes something on disk (any of WRITES) completes, then the process "dies". */
    void crashAfterChange(int nth) {
        changeCountdown = nth;
    }

    /** The ops that change something on disk, in order. */
    List<Op> changes() {
        return log.stream().filter(WRITES::contains).toList();
    }

    private void before(Op op) throws IOException {
        log.add(op);
        if (failing.contains(op)) {
            throw new IOException("No space left on device");
        }
    }

    private void after(Op op) {
        if (op == crashAfter && --crashCountdown == 0) {
            crashAfter = null;
            throw new Crash(op);
        }
        if (changeCountdown > 0 && WRITES.contains(op) && --changeCountdown == 0) {
            throw new Crash(op);
        }
    }

    @Override
    public void createDirectory(Path dir) throws IOException {
        before(Op.CREATE_DIRECTORY);
        real.createDirectory(dir);
        after(Op.CREATE_DIRECTORY);
    }

    @Override
    public void writeTemp(Path temp, byte[] content) throws IOException {
        log.add(Op.WRITE_TEMP);
        if (failing.contains(Op.WRITE_TEMP)) {
            real.writeTemp(temp, Arrays.copyOf(content, content.length / 2));
            throw new IOException("No space left on device");
        }
        real.writeTemp(temp, content);
        after(Op.WRITE_TEMP);
    }

    @Override
    public void forceFile(Path file) throws IOException {
        before(Op.FORCE_FILE);
        real.forceFile(file);
        after(Op.FORCE_FILE);
    }

    @Override
    public void rename(Path temp, Path target) throws IOException {
        before(Op.RENAME);
        real.rename(temp, target);
        after(Op.RENAME);
    }

    @Override
    public void forceDirectory(Path dir) throws IOException {
        before(Op.FORCE_DIRECTORY);
        real.forceDirectory(dir);
        after(Op.FORCE_DIRECTORY);
    }

    @Override
    public void delete(Path file) throws IOException {
        before(Op.DELETE);
        real.delete(file);
        after(Op.DELETE);
    }

    @Override
    public void overwriteInPlace(Path file, byte[] content) throws IOException {
        before(Op.OVERWRITE);
        real.overwriteInPlace(file, content);
        after(Op.OVERWRITE);
    }

    @Override
    public List<String> list(Path dir) throws IOException {
        before(Op.LIST);
        List<String> names = real.list(dir);
        after(Op.LIST);
        return names;
    }

    @Override
    public byte[] read(Path file, long limit) throws IOException {
        before(Op.READ);
        byte[] content = real.read(file, limit);
        after(Op.READ);
        return content;
    }

    @Override
    public Path moveAside(Path file, Path corruptDir) throws IOException {
        before(Op.MOVE_ASIDE);
        Path target = real.moveAside(file, corruptDir);
        after(Op.MOVE_ASIDE);
        return target;
    }
}

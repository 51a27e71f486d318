import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.util.CheckClassAdapter;

/**
 * Build step of the runnable jar, run on it after shading (not part of the jar): rewrites the
 * class files under a package prefix that are older than class-file version 50 (Java 6) as
 * version 52 (Java 8), with the stack map frames that version requires and nothing else changed.
 * Java's class data sharing (AppCDS, and the AOT cache of Java 25) refuses class files older than
 * version 50, and picocli ships version 49; rewritten, the command line parser is archived with
 * the rest and astlock starts faster.
 *
 * <p>Each rewritten class is checked twice: by ASM's verifier, and by the JVM's own, which loads
 * and initializes every rewritten class from the new jar; any failure fails the build.
 *
 * <p>Usage: {@code java -cp astlock.jar ClassFileUpgrade.java JAR PREFIX}, ASM being in the jar.
 */
public final class ClassFileUpgrade {
    private static final int JAVA_6 = 50;

    private ClassFileUpgrade() {
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]);
        String prefix = args[1];
        Path tmp = jar.resolveSibling(jar.getFileName() + ".upgrade.tmp");
        List<String> upgraded = new ArrayList<>();
        try (URLClassLoader original = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null);
                ZipFile in = new ZipFile(jar.toFile());
                ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(tmp))) {
            for (Enumeration<? extends ZipEntry> e = in.entries(); e.hasMoreElements();) {
                ZipEntry entry = e.nextElement();
                byte[] data = in.getInputStream(entry).readAllBytes();
                String name = entry.getName();
                if (name.startsWith(prefix) && name.endsWith(".class") && version(data) < JAVA_6) {
                    data = upgrade(data, original);
                    upgraded.add(name.substring(0, name.length() - ".class".length()).replace('/', '.'));
                }
                ZipEntry copy = new ZipEntry(name);
                copy.setTime(entry.getTime());
                out.putNextEntry(copy);
                out.write(data);
                out.closeEntry();
            }
        }
        try (URLClassLoader rewritten = new URLClassLoader(new URL[] {tmp.toUri().toURL()}, null)) {
            for (String c : upgraded) {
                Class.forName(c, true, rewritten); // links: the JVM verifies the new class file
            }
        }
        Files.move(tmp, jar, StandardCopyOption.REPLACE_EXISTING);
        System.out.println("class files of " + prefix + "* rewritten as version 52: " + upgraded.size());
    }

    private static int version(byte[] classFile) {
        return ((classFile[6] & 0xff) << 8) | (classFile[7] & 0xff);
    }

    private static byte[] upgrade(byte[] classFile, ClassLoader loader) {
        ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_FRAMES) {
            @Override
            protected ClassLoader getClassLoader() {
                return loader;
            }
        };
        new ClassReader(classFile).accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public void visit(int version, int access, String name, String signature, String superName,
                              String[] interfaces) {
                super.visit(Opcodes.V1_8, access, name, signature, superName, interfaces);
            }
        }, ClassReader.SKIP_FRAMES);
        byte[] result = writer.toByteArray();
        StringWriter problems = new StringWriter();
        CheckClassAdapter.verify(new ClassReader(result), loader, false, new PrintWriter(problems));
        if (!problems.toString().isBlank()) {
            throw new IllegalStateException("rewritten class does not verify:\n" + problems);
        }
        return result;
    }
}

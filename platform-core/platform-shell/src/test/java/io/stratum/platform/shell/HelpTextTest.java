package io.stratum.platform.shell;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.stratum.platform.internal.service.ServiceLifecycle;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.junit.Test;

/** What {@code --help} shows is true: every argument and option is described, and descriptions match what happens. */
public class HelpTextTest {

    /** @return every stratum: command class of this bundle */
    private static List<Class<?>> commands() throws Exception {
        Path classes = Path.of(StratumCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolve(StratumCommand.class.getPackageName().replace('.', '/'));
        List<Class<?>> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(classes)) {
            for (Path f : files.sorted().toList()) {
                String file = f.getFileName().toString();
                if (file.endsWith(".class") && !file.contains("$")) {
                    Class<?> type = Class.forName(StratumCommand.class.getPackageName() + "."
                            + file.substring(0, file.length() - ".class".length()));
                    if (type.isAnnotationPresent(Command.class)) {
                        out.add(type);
                    }
                }
            }
        }
        assertTrue("found the commands: " + out, out.size() > 50);
        return out;
    }

    private static List<Field> fields(Class<?> type) {
        List<Field> out = new ArrayList<>();
        for (Class<?> t = type; t != null; t = t.getSuperclass()) {
            out.addAll(List.of(t.getDeclaredFields()));
        }
        return out;
    }

    @Test
    public void everyArgumentAndOptionIsDescribedAndTrailingOptionsAreOfferedOnlyWhereThereAreOptions()
            throws Exception {
        List<String> problems = new ArrayList<>();
        for (Class<?> type : commands()) {
            String name = type.getAnnotation(Command.class).name();
            boolean options = false;
            boolean trailing = false;
            for (Field f : fields(type)) {
                Argument a = f.getAnnotation(Argument.class);
                Option o = f.getAnnotation(Option.class);
                if (a != null && a.description().isBlank()) {
                    problems.add(name + ": argument " + a.name() + " is not described");
                }
                if (o != null && o.description().isBlank()) {
                    problems.add(name + ": option " + o.name() + " is not described");
                }
                options |= o != null;
                trailing |= a != null && a.name().equals("options");
            }
            if (trailing && !options) {
                problems.add(name + ": its help lists an argument 'options' (\"" + StratumCommand.TRAILING
                        + "\"), but it has no options");
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    public void accountCreateSaysWhatANameMayBe() throws Exception {
        Argument name = AccountCreateCommand.class.getDeclaredField("name").getAnnotation(Argument.class);
        assertTrue(name.description(), name.description().contains("1 to 63 lower-case letters, digits and dashes, "
                + "starting with a letter"));
    }

    /** The refusals --force overrides each name their consequence; the option's help names the same ones. */
    @Test
    public void serviceDeleteForceSaysWhatTheRefusalsItOverridesSay() throws Exception {
        String help = ServiceDeleteCommand.class.getDeclaredField("force").getAnnotation(Option.class).description();
        for (String consequence : List.of(ServiceLifecycle.FORCE_DEPENDANTS, ServiceLifecycle.FORCE_CONSUMERS,
                ServiceLifecycle.FORCE_NO_ENGINE, ServiceLifecycle.FORCE_PROVIDER_NO_ENGINE)) {
            assertTrue("--force's help does not say '" + consequence + "': " + help, help.contains(consequence));
        }
    }
}

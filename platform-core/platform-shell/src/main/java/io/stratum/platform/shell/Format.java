package io.stratum.platform.shell;

import io.stratum.platform.api.JobPlanDTO;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Formatting helpers for command output. */
final class Format {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneId.systemDefault());
    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneOffset.UTC);
    private static final double MB = 1024.0 * 1024.0;

    private Format() {
    }

    static String time(Instant i) {
        return i == null ? "-" : TIME.format(i);
    }

    static String duration(Instant from, Instant to) {
        if (from == null) {
            return "-";
        }
        Duration d = Duration.between(from, to == null ? Instant.now() : to);
        if (d.toMillis() < 10_000) {
            return String.format("%.1f s", d.toMillis() / 1000.0);
        }
        if (d.toMinutes() < 2) {
            return d.toSeconds() + " s";
        }
        if (d.toHours() < 2) {
            return d.toMinutes() + " min";
        }
        return d.toHours() + " h";
    }

    static String age(Instant i) {
        return i == null ? "-" : duration(i, Instant.now()) + " ago";
    }

    static String cut(String s, int max) {
        if (s == null) {
            return "";
        }
        return s.length() <= max ? s : s.substring(0, max - 3) + "...";
    }

    /** @return the instant in UTC ({@code yyyy-MM-dd HH:mm:ss}), or "-" */
    static String utc(Instant i) {
        return i == null ? "-" : UTC.format(i);
    }

    /** @return bytes as MiB with one decimal, e.g. {@code 12.5} */
    static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.1f", bytes / MB);
    }

    /**
     * Prints what a job would do (a dry run): its kind and target, each phase with its tasks indented below it, what
     * it would touch, its notes, and that nothing was changed. Every {@code --dry-run} prints through here, so all
     * plans look alike.
     *
     * @param out where to print
     * @param plan the job plan
     */
    static void plan(PrintStream out, JobPlanDTO plan) {
        out.println("Job plan (dry run)");
        out.println("kind:    " + plan.kind());
        out.println("target:  " + plan.target());
        out.println("phases:");
        if (plan.phases().isEmpty()) {
            out.println("  (none)");
        }
        int n = 0;
        for (JobPlanDTO.PhaseDTO phase : plan.phases()) {
            out.println("  " + ++n + ". " + phase.name());
            if (phase.tasks().isEmpty()) {
                out.println("       (no tasks)");
            }
            for (String task : phase.tasks()) {
                out.println("       - " + task);
            }
        }
        out.println("touches: " + (plan.touches().isEmpty() ? "nothing" : String.join(", ", plan.touches())));
        if (!plan.notes().isEmpty()) {
            out.println("notes:");
            for (String note : plan.notes()) {
                out.println("  - " + note);
            }
        }
        out.println("Nothing was changed (dry run); run the command without --dry-run to do it.");
    }
}
